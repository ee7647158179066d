// Purchase analyses (issue 16): a buyer uploads a CSV or XLSX plan of purchases; the worker advises each line.
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Controller, Get, HttpCode, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { badRequest } from '@app/common';
import { adviceOptionLabel, type AdviceOption } from '@app/domain';
import { PurchaseAnalysesService, PurchaseAnalysisQueue, type PurchaseAnalysisView, type PurchaseLineView, type TenderActor } from '@app/tenders';
import { Caller, Roles } from '../auth/auth.guard';
import type { CurrentAccount } from '../auth/auth.types';
import { PageQueryDto } from '../http/page-query.dto';
import { csvField } from '../search/export-writer';

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

export const EXPORT_HEADER = ['Ligne', 'Libellé', 'CPV ou mots', 'Montant annuel (€ HT)', 'Lieu', 'Code commune', 'Conseil', 'Articles', 'Raisons', 'SIAE éligibles', 'EA/ESAT éligibles', 'Heures d’insertion par an', 'Problème'];

export function exportLine(line: PurchaseLineView, label: (option: string) => string): string {
  const a = line.advice;
  return [
    line.lineNumber,
    line.label,
    line.subject,
    line.amountEur,
    line.place,
    line.communeCode,
    a ? label(a.recommendation) : '',
    a ? a.articles.join(' ') : '',
    a ? a.reasons.join(' ') : '',
    a ? a.evidence.eligibleServing.siae : '',
    a ? a.evidence.eligibleServing.disability : '',
    a ? a.insertionHours.yearlyHours : '',
    line.problem,
  ]
    .map((v) => csvField(v === '' ? null : (v as string | number | null)))
    .join(',');
}

/** Streams every line as CSV (UTF-8 with BOM for spreadsheets), a batch at a time. */
export async function writeExport(res: Response, analyses: PurchaseAnalysesService, id: string, actor: TenderActor, label: (option: string) => string): Promise<void> {
  const batches = analyses.allLines(id, actor);
  const first = await batches.next(); // 404 before any header is sent
  res.status(200).setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="analyse-achats-${id.slice(0, 8)}.csv"`);
  res.write(`\ufeff${EXPORT_HEADER.map(csvField).join(',')}\r\n`);
  for (let batch = first; !batch.done; batch = await batches.next()) {
    if (!res.write(batch.value.map((l) => exportLine(l, label)).join('\r\n') + '\r\n')) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
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

  @Get(':id/export')
  async export(@Caller() caller: CurrentAccount, @Param('id') id: string, @Res() res: Response) {
    await writeExport(res, this.analyses, id, caller, (o) => adviceOptionLabel(o as AdviceOption));
  }
}
