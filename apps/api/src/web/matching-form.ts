// The matching run request form → the body of POST /api/v1/tenders/:id/matching-runs. Pure.
import { FormBody, compact, list, text } from './forms';

export interface MatchingFormValues {
  lots: string[];
  anchorStructureId: string;
  maxMembers: string;
  forms: string[];
  topK: string;
}

export function parseMatchingForm(input: FormBody): { values: MatchingFormValues; body: Record<string, unknown> } {
  const values: MatchingFormValues = {
    lots: list(input, 'lots'),
    anchorStructureId: text(input, 'anchorStructureId'),
    maxMembers: text(input, 'maxMembers') || '4',
    forms: list(input, 'forms'),
    topK: text(input, 'topK') || '5',
  };
  const int = (raw: string) => (/^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN);
  const body = compact({
    // No lot ticked = every lot (or, with an anchor, every lot it may lawfully answer).
    lots: values.lots.length ? values.lots.map(int) : undefined,
    anchorStructureId: values.anchorStructureId || undefined,
    maxMembers: int(values.maxMembers),
    forms: values.forms.length ? values.forms : undefined,
    topK: int(values.topK),
  });
  return { values, body };
}

