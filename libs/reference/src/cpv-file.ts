import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { CPV_FILE } from './reference-data-dir';

export interface CpvRecord {
  /** The 8 digits, e.g. "45442100". */
  code8: string;
  /** With its check digit, e.g. "45442100-8". */
  code: string;
  labelFr: string;
  labelEn: string;
}

interface CpvRow {
  code: string;
  code8: string;
  label_fr: string;
  label_en: string;
}

/** Streams the 9,454 codes of the Common Procurement Vocabulary (Reg. 213/2008). */
export async function* readCpv(path: string = CPV_FILE): AsyncIterable<CpvRecord> {
  const rows = createReadStream(path).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, trim: true }));
  for await (const row of rows as AsyncIterable<CpvRow>) {
    yield { code8: row.code8, code: row.code, labelFr: row.label_fr, labelEn: row.label_en };
  }
}
