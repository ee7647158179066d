// `npm run import:decp -- <file> [--report report.json]`: imports DECP contracts (2019 NDJSON or 2022 JSON)
// as closed historical tenders with their holders. Idempotent: a second run reports every record unchanged.
// Damaged records are imported flagged and listed (the full list goes to --report when given, written as
// the import goes: the summary in memory keeps the first 10,000 only).
import 'reflect-metadata';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '@app/config';
import { openDatabase } from '@app/persistence';
import { ReferenceIndex, seedCommunes } from '@app/reference';
import { terminalProgress } from '@app/catalogue';
import { DecpImporter, type DecpImportSummary, type FlaggedRecord } from '@app/tenders';

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/**
 * The report is the summary as JSON with every flagged record: `flagged` is written first, record by record
 * during the import, then the rest of the summary, so the report never sits in memory.
 */
function reportWriter(path: string) {
  const stream = createWriteStream(path);
  let first = true;
  return {
    start: () => write(stream, '{"flagged":[\n'),
    flagged: async (flagged: FlaggedRecord) => {
      await write(stream, `${first ? '' : ',\n'}${JSON.stringify(flagged)}`);
      first = false;
    },
    end: async (summary: DecpImportSummary) => {
      const { flagged: _kept, ...rest } = summary;
      await write(stream, `\n],${JSON.stringify(rest, null, 2).slice(1)}\n`);
      stream.end();
      await once(stream, 'finish');
    },
  };
}

function formatSummary(summary: DecpImportSummary): string {
  const lines = [
    `Enregistrements lus : ${summary.records} (${Object.entries(summary.formats).map(([f, n]) => `${f} : ${n}`).join(', ')})`,
    `Marchés : ${summary.contracts} — ${summary.inserted} créés, ${summary.updated} modifiés, ${summary.unchanged} inchangés`,
    `Doublons identiques fusionnés : ${summary.identicalRepeats} ; identifiants portés par des enregistrements différents (gardés à part) : ${summary.keysWithVariants}`,
    `Titulaires : ${summary.holders.total} (${summary.holders.withSiret} avec SIRET, ${summary.holders.linkedToStructures} reliés au catalogue)`,
    `Illisibles : ${summary.unreadableCount}${summary.unreadable.slice(0, 10).map((u) => `\n  ligne ${u.line} : ${u.reason}`).join('')}`,
    `Signalements (${summary.flaggedCount} enregistrements) :`,
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
  const report = reportAt >= 0 && args[reportAt + 1] ? resolve(args[reportAt + 1]) : undefined;
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
    const reportFile = report ? reportWriter(report) : undefined;
    await reportFile?.start();
    let last = 0;
    const summary = await new DecpImporter(dataSource, { index: reference }).importFile(resolve(file), {
      onProgress: (done, total) => {
        if (done === 0) progress.start(total);
        progress.advance(done - last);
        last = done;
        if (done >= total) progress.stop();
      },
      onFlagged: reportFile?.flagged,
    });
    console.log(formatSummary(summary));
    if (reportFile) {
      await reportFile.end(summary);
      console.log(`Rapport complet : ${report}`);
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
