// Rows of an uploaded purchase plan, streamed from disk: memory stays flat whatever the file's size.
// CSV (separator ";", "," or tab, UTF-8 with or without BOM) or XLSX (first worksheet).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';

export type PurchaseFileFormat = 'csv' | 'xlsx';

/** The format from the file name; null when neither. */
export function purchaseFileFormat(fileName: string): PurchaseFileFormat | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.txt')) return 'csv';
  if (lower.endsWith('.xlsx')) return 'xlsx';
  return null;
}

/** An XLSX cell as plain text or number (formulas give their result, rich text its text). */
function cellValue(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const v = value as { result?: unknown; richText?: { text: string }[]; text?: unknown };
  if (v.result !== undefined) return cellValue(v.result);
  if (v.richText) return v.richText.map((r) => r.text).join('');
  if (v.text !== undefined) return cellValue(v.text);
  return '';
}

/**
 * The separator of the header line: ";" (French spreadsheets), "," or tab, whichever it holds most. One
 * separator for the whole file, so that "30 000,50" stays one cell in a ";" file.
 */
async function csvDelimiter(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    const firstLine = buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0];
    const count = (c: string) => firstLine.split(c).length - 1;
    return [';', '\t', ','].reduce((best, c) => (count(c) > count(best) ? c : best), ';');
  } finally {
    await handle.close();
  }
}

/** Every row (header included) as an array of cells, one at a time. */
export async function* purchaseRows(path: string, format: PurchaseFileFormat): AsyncGenerator<unknown[]> {
  if (format === 'csv') {
    const parser = createReadStream(path).pipe(
      parse({ bom: true, delimiter: await csvDelimiter(path), relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true }),
    );
    for await (const record of parser) yield record as string[];
    return;
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'emit' });
  for await (const worksheet of reader) {
    for await (const row of worksheet) {
      const values = (row as ExcelJS.Row).values as unknown[];
      // ExcelJS rows are 1-based: index 0 is empty.
      yield values.slice(1).map(cellValue);
    }
    break; // the first worksheet only
  }
}
