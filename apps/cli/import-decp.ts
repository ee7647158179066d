// `npm run import:decp -- <file> [--report report.json]`: imports DECP contracts (2019 NDJSON or 2022 JSON)
// as closed historical tenders with their holders. Idempotent: a second run reports every record unchanged.
// Damaged records are imported flagged and listed (the full list goes to --report when given).
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '@app/config';
import { openDatabase } from '@app/persistence';
import { ReferenceIndex, seedCommunes } from '@app/reference';
import { terminalProgress } from '@app/catalogue';
import { DecpImporter, type DecpImportSummary } from '@app/tenders';

function formatSummary(summary: DecpImportSummary): string {
  const lines = [
    `Enregistrements lus : ${summary.records} (${Object.entries(summary.formats).map(([f, n]) => `${f} : ${n}`).join(', ')})`,
    `Marchés : ${summary.contracts} — ${summary.inserted} créés, ${summary.updated} modifiés, ${summary.unchanged} inchangés`,
    `Doublons identiques fusionnés : ${summary.identicalRepeats} ; identifiants portés par des enregistrements différents (gardés à part) : ${summary.keysWithVariants}`,
    `Titulaires : ${summary.holders.total} (${summary.holders.withSiret} avec SIRET, ${summary.holders.linkedToStructures} reliés au catalogue)`,
    `Illisibles : ${summary.unreadable.length}${summary.unreadable.slice(0, 10).map((u) => `\n  ligne ${u.line} : ${u.reason}`).join('')}`,
    `Signalements (${summary.flagged.length} enregistrements) :`,
    ...Object.entries(summary.flagCounts).sort((a, b) => b[1] - a[1]).map(([flag, n]) => `  ${flag} : ${n}`),
    'Exemples :',
    ...summary.flagged.slice(0, 10).map((f) => `  ligne ${f.line} (${f.externalId}) : ${f.reasons.join(' ; ')}`),
    `Durée : ${(summary.ms / 1000).toFixed(1)} s`,
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const reportAt = args.indexOf('--report');
  const report = reportAt >= 0 ? args[reportAt + 1] : undefined;
  const file = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--report')[0];
  if (!file) {
    console.error('Usage : npm run import:decp -- <fichier.ndjson|fichier.json> [--report rapport.json]');
    process.exit(2);
  }
  const config = loadConfig();
  const dataSource = await openDatabase(config.databaseUrl);
  try {
    const reference = await ReferenceIndex.load();
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM communes`);
    if (count < reference.allCommunes.length) await seedCommunes(dataSource, reference.allCommunes);
    const progress = terminalProgress('DECP');
    let last = 0;
    const summary = await new DecpImporter(dataSource, { index: reference }).importFile(resolve(file), {
      onProgress: (done, total) => {
        if (done === 0) progress.start(total);
        progress.advance(done - last);
        last = done;
        if (done >= total) progress.stop();
      },
    });
    console.log(formatSummary(summary));
    if (report) {
      await writeFile(resolve(report), JSON.stringify(summary, null, 2));
      console.log(`Rapport complet : ${resolve(report)}`);
    }
  } finally {
    await dataSource.destroy();
  }
}

main()
  .then(() => process.exit(0))
  .catch((error) => {
    console.error('Import DECP échoué :', error instanceof Error ? error.message : error);
    process.exit(1);
  });
