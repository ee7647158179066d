// Order and identity of proposals, shared by the optimiser and the baselines.
import { GROUP_FORMS, type GroupForm } from '../vocabulary';
import type { OptimiserInput, Proposal } from './types';

/** Requested forms in canonical order; both forms when none is given. */
export function requestedForms(input: Pick<OptimiserInput, 'forms'>): GroupForm[] {
  const asked = input.forms && input.forms.length > 0 ? input.forms : GROUP_FORMS;
  return GROUP_FORMS.filter((f) => asked.includes(f));
}

/** Score descending, then a stable tie-break (form order, member ids) for deterministic runs. */
export function compareProposals(a: Proposal, b: Proposal): number {
  return b.objective - a.objective || GROUP_FORMS.indexOf(a.form) - GROUP_FORMS.indexOf(b.form) || memberSetKey(a).localeCompare(memberSetKey(b));
}

/** Proposals are distinct by form + member set. */
export function proposalKey(p: Proposal): string {
  return `${p.form}:${memberSetKey(p)}`;
}

function memberSetKey(p: Proposal): string {
  return p.members
    .map((m) => m.structureId)
    .sort()
    .join('|');
}
