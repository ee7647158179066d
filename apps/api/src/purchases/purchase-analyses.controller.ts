// Purchase analyses (issue 16): a buyer uploads a CSV or XLSX plan of purchases; the worker advises each line.
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Controller, Get, HttpCode, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { badRequest } from '@app/common';
import { adviceOptionLabel, type AdviceOption } from '@app/domain';
import { PurchaseAnalysesService, PurchaseAnalysisQueue, type PurchaseAnalysisView, type PurchaseLineView, type TenderActor } from '@app/tenders';
import { Caller, Roles } from '../auth/auth.guard';
import type { CurrentAccount } from '../auth/auth.types';
import { PageQueryDto } from '../http/page-query.dto';
import { writeCsv, writeXlsx, type ExportColumn } from '../search/export-writer';

/** Largest upload accepted: about 100,000 lines of CSV. */
export const MAX_PURCHASE_FILE_BYTES = 20 * 1024 * 1024;

/** Multer writes the upload to a temporary file: the parser then streams it (memory stays flat). */
export const purchaseFileInterceptor = FileInterceptor('file', {
  dest: tmpdir(),
  limits: { fileSize: MAX_PURCHASE_FILE_BYTES, files: 1, fields: 10 },
});

export interface UploadedPurchaseFile {
  path: string;
  originalname: string;
}

export class PurchaseLinesQuery extends PageQueryDto {
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'doit valoir true ou false' })
  problems?: boolean;
}

/** Reads the uploaded file into an analysis, removes the temporary file, and enqueues the advice. */
export async function startAnalysis(analyses: PurchaseAnalysesService, queue: PurchaseAnalysisQueue, actor: TenderActor, file: UploadedPurchaseFile | undefined): Promise<PurchaseAnalysisView> {
  if (!file) throw badRequest('Fichier manquant', [{ field: 'file', message: 'joignez un fichier .csv ou .xlsx' }]);
  try {
    const created = await analyses.create(actor, Buffer.from(file.originalname, 'latin1').toString('utf8'), file.path);
    await queue.enqueue(created.id);
    return created;
  } finally {
    await unlink(file.path).catch(() => undefined);
  }
}

/** The export's columns, in French; numbers stay numbers (decimal commas in the CSV, cells of numbers in the XLSX). */
export function purchaseExportColumns(label: (option: string) => string): ExportColumn<PurchaseLineView>[] {
  return [
    { header: 'Ligne', value: (l) => l.lineNumber },
    { header: 'Libellé', value: (l) => l.label },
    { header: 'CPV ou mots', value: (l) => l.subject },
    { header: 'Montant annuel (€ HT)', value: (l) => l.amountEur },
    { header: 'Lieu', value: (l) => l.place },
    { header: 'Code commune', value: (l) => l.communeCode },
    { header: 'Conseil', value: (l) => (l.advice ? label(l.advice.recommendation) : null) },
    { header: 'Articles', value: (l) => (l.advice ? l.advice.articles.join(' ') : null) },
    { header: 'Raisons', value: (l) => (l.advice ? l.advice.reasons.join(' ') : null) },
    { header: 'SIAE éligibles', value: (l) => l.advice?.evidence.eligibleServing.siae ?? null },
    { header: 'EA/ESAT éligibles', value: (l) => l.advice?.evidence.eligibleServing.disability ?? null },
    { header: 'Heures d’insertion par an', value: (l) => l.advice?.insertionHours.yearlyHours ?? null },
    { header: 'Problème', value: (l) => l.problem },
  ];
}

export const PURCHASE_EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type PurchaseExportFormat = (typeof PURCHASE_EXPORT_FORMATS)[number];

export class PurchaseExportQuery {
  @IsOptional()
  @IsIn(PURCHASE_EXPORT_FORMATS, { message: 'format inconnu : csv ou xlsx' })
  format?: PurchaseExportFormat;
}

const CONTENT_TYPES: Record<PurchaseExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * Streams every line, a batch at a time, as CSV (`;`, UTF-8 with BOM, for French spreadsheets) or XLSX
 * (exceljs' streaming writer, held back by the socket): memory stays flat whatever the file's size.
 */
export async function writeExport(res: Response, analyses: PurchaseAnalysesService, id: string, actor: TenderActor, label: (option: string) => string, format: PurchaseExportFormat = 'csv'): Promise<void> {
  const batches = analyses.allLines(id, actor);
  const first = await batches.next(); // 404 before any header is sent
  res.status(200).setHeader('Content-Type', CONTENT_TYPES[format]);
  res.setHeader('Content-Disposition', `attachment; filename="analyse-achats-${id.slice(0, 8)}.${format}"`);
  res.setHeader('Cache-Control', 'no-store');
  const columns = purchaseExportColumns(label);
  const rows = first.done ? [] : first.value;
  try {
    if (format === 'xlsx') await writeXlsx(res, columns, batches, rows, 'Analyse des achats');
    else await writeCsv(res, columns, batches, rows);
  } catch (error) {
    // Headers are gone: the only honest signal left is a broken download.
    await batches.return(undefined);
    res.destroy(error as Error);
  }
}

@ApiTags('purchase-analyses')
@ApiBearerAuth()
@Controller('api/v1/purchase-analyses')
export class PurchaseAnalysesController {
  constructor(
    private readonly analyses: PurchaseAnalysesService,
    private readonly queue: PurchaseAnalysisQueue,
  ) {}

  /** multipart/form-data with `file` (.csv or .xlsx; columns libellé, CPV ou mots, montant annuel, lieu) → 202. */
  @Post()
  @Roles('buyer')
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(purchaseFileInterceptor)
  create(@Caller() caller: CurrentAccount, @UploadedFile() file?: UploadedPurchaseFile) {
    return startAnalysis(this.analyses, this.queue, caller, file);
  }

  @Get()
  @Roles('buyer')
  async list(@Caller() caller: CurrentAccount) {
    return { items: await this.analyses.list(caller) };
  }

  @Get(':id')
  get(@Caller() caller: CurrentAccount, @Param('id') id: string) {
    return this.analyses.get(id, caller);
  }

  @Get(':id/lines')
  lines(@Caller() caller: CurrentAccount, @Param('id') id: string, @Query() query: PurchaseLinesQuery) {
    return this.analyses.lines(id, caller, { page: query.page, perPage: query.perPage, problems: query.problems });
  }

  /** `?format=csv` (default) or `xlsx`. */
  @Get(':id/export')
  async export(@Caller() caller: CurrentAccount, @Param('id') id: string, @Query() query: PurchaseExportQuery, @Res() res: Response) {
    await writeExport(res, this.analyses, id, caller, (o) => adviceOptionLabel(o as AdviceOption), query.format ?? 'csv');
  }
}
