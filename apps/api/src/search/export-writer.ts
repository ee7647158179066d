// Streams search exports as CSV or XLSX: one header row, then every match, batch by batch, honouring
// back-pressure, so 100,000 rows never sit in memory at once.
import type { Response } from 'express';
import type ExcelJS from 'exceljs';
import { prestationLabel, structureKindLabel } from '@app/domain';
import type { IndexedStructure } from '@app/search';
import type { ExportFormat } from './search-structures.dto';

export type ExportRow = IndexedStructure & { distanceKm?: number };

export interface ExportColumn<Row = ExportRow> {
  header: string;
  value: (row: Row) => string | number | null;
}

/** Names of the codes an export would otherwise print (sectors, departments, regions). */
export interface ExportLabels {
  sector: (code: string) => string;
  department: (code: string) => string;
  region: (code: string) => string;
}

export function exportColumns(labels: ExportLabels, withDistance: boolean): ExportColumn[] {
  const columns: ExportColumn[] = [
    { header: 'Identifiant', value: (r) => r.id },
    { header: 'SIRET', value: (r) => r.siret },
    { header: 'Nom', value: (r) => r.name },
    { header: 'Enseigne', value: (r) => r.brand },
    { header: 'Type', value: (r) => capitalise(structureKindLabel(r.kind) ?? r.kind) },
    { header: 'Code commune', value: (r) => r.communeCode },
    { header: 'Commune', value: (r) => r.communeName },
    { header: 'Département', value: (r) => (r.department ? labels.department(r.department) : null) },
    { header: 'Région', value: (r) => (r.region ? labels.region(r.region) : null) },
    { header: 'Secteurs', value: (r) => r.sectors.map(labels.sector).join(' | ') },
    { header: 'Types de prestation', value: (r) => r.prestationTypes.map((p) => capitalise(prestationLabel(p) ?? p)).join(' | ') },
    { header: 'Ouverte à la co-traitance', value: (r) => (r.openToCoContracting ? 'oui' : 'non') },
    { header: "Chiffre d'affaires annuel (€)", value: (r) => r.annualRevenueEur },
    { header: 'Site web', value: (r) => r.website },
  ];
  if (withDistance) columns.push({ header: 'Distance (km)', value: (r) => r.distanceKm ?? null });
  return columns;
}

function capitalise(text: string): string {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

/** French spreadsheets (Excel, LibreOffice in French) split on semicolons and read decimal commas. */
export const CSV_SEPARATOR = ';';

/** One CSV line for French spreadsheets, CRLF-terminated. */
export function csvLine(values: (string | number | null)[]): string {
  return `${values.map(csvField).join(CSV_SEPARATOR)}\r\n`;
}

/**
 * RFC 4180 field with `;` as separator; numbers with a decimal comma (12,5); a text starting like a formula
 * is prefixed with ' so spreadsheets never evaluate it (OWASP CSV injection).
 */
export function csvField(value: string | number | null): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).replace('.', ',') : '';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Waits until the socket takes more, or gives up when the client went away. Both listeners are removed
 * whichever fires: a long export waits thousands of times (racing two `once()` left one listener behind each time).
 */
function drained(response: Response): Promise<boolean> {
  if (response.destroyed || response.writableEnded) return Promise.resolve(false);
  if (!response.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const settle = (open: boolean) => () => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(open);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

export function exportHeaders(response: Response, format: ExportFormat): void {
  const stamp = new Date().toISOString().slice(0, 10);
  const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  response.status(200);
  response.setHeader('Content-Type', type);
  response.setHeader('Content-Disposition', `attachment; filename="structures-inclusives-${stamp}.${format}"`);
  response.setHeader('Cache-Control', 'no-store');
}

/** `first` is the batch already read (so errors before any byte still become problem+json). */
export async function writeCsv<Row>(response: Response, columns: ExportColumn<Row>[], batches: AsyncIterator<Row[]>, first: Row[]): Promise<void> {
  // BOM: spreadsheet software then reads the accents as UTF-8.
  response.write(`\uFEFF${csvLine(columns.map((c) => c.header))}`);
  let batch: Row[] | undefined = first;
  while (batch) {
    const text = batch.map((row) => csvLine(columns.map((c) => c.value(row)))).join('');
    response.write(text);
    if (!(await drained(response))) {
      await batches.return?.();
      return;
    }
    const next = await batches.next();
    batch = next.done ? undefined : next.value;
  }
  response.end();
}

/** Bytes exceljs 4.4 has queued for compression in a sheet's stream (its StreamBuf ignores back-pressure). */
function sheetBacklog(sheet: ExcelJS.Worksheet): number {
  const pipes = (sheet as unknown as { stream?: { pipes?: { _writableState?: { length?: number }; _readableState?: { length?: number } }[] } }).stream?.pipes ?? [];
  return pipes.reduce((sum, pipe) => sum + (pipe._writableState?.length ?? 0) + (pipe._readableState?.length ?? 0), 0);
}

const XLSX_BACKLOG_BYTES = 1 << 20;

/** Lets compression and the socket catch up, so the sheet never piles up in memory. */
async function xlsxCaughtUp(response: Response, sheet: ExcelJS.Worksheet): Promise<boolean> {
  while (sheetBacklog(sheet) > XLSX_BACKLOG_BYTES) {
    if (response.destroyed) return false;
    if (response.writableNeedDrain) {
      if (!(await drained(response))) return false;
    } else await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return drained(response);
}

/** exceljs weighs ~28 MB once loaded: only processes that export XLSX pay for it. */
let excel: typeof ExcelJS | undefined;
function loadExcel(): typeof ExcelJS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  excel ??= require('exceljs') as typeof ExcelJS;
  return excel;
}

export async function writeXlsx<Row>(response: Response, columns: ExportColumn<Row>[], batches: AsyncIterator<Row[]>, first: Row[], sheetName = 'Structures'): Promise<void> {
  const workbook = new (loadExcel().stream.xlsx.WorkbookWriter)({ stream: response, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(columns.map((c) => c.header)).commit();
  let batch: Row[] | undefined = first;
  while (batch) {
    for (const row of batch) sheet.addRow(columns.map((c) => c.value(row))).commit();
    if (!(await xlsxCaughtUp(response, sheet))) {
      await batches.return?.();
      return;
    }
    const next = await batches.next();
    batch = next.done ? undefined : next.value;
  }
  sheet.commit();
  await workbook.commit();
}
