// The follow-up of an award as CSV for French spreadsheets: one line per quarter, one column per member.
import type { AwardView } from '@app/bids';
import { csvLine } from '../search/export-writer';

export function awardCsv(view: AwardView): string {
  const header = ['Trimestre', 'Début', 'Fin', 'Échéance de déclaration', 'Heures exigées', 'Heures déclarées', ...view.members.map((m) => `${m.name} (${m.roleLabel})`), 'Cumul exigé', 'Cumul déclaré', 'État'];
  const lines = view.followUp.quarters.map((q) =>
    csvLine([q.label, q.from, q.to, q.dueOn, q.requiredHours, q.declaredHours, ...view.members.map((m) => q.byMember[m.structureId] ?? null), q.cumulativeRequired, q.cumulativeDeclared, q.statusLabel]),
  );
  const total = csvLine(['Total', view.followUp.startsOn, view.followUp.endsOn, null, view.followUp.requiredHours, view.followUp.declaredHours, ...view.members.map((m) => m.declaredHours), null, null, `${view.followUp.lateQuarters} trimestre(s) en retard`]);
  return `\uFEFF${csvLine(header)}${lines.join('')}${total}`;
}

/** A file name that says what it holds, ASCII only. */
export function awardCsvName(view: AwardView): string {
  return `heures-insertion-lot-${view.lotNumber}-${view.id.slice(0, 8)}.csv`;
}
