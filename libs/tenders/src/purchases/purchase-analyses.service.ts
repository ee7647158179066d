// Purchase analyses: a buyer uploads a plan of purchases (CSV or XLSX); every line is read and checked as it
// streams in (bad lines keep their reason, nothing is stored when the file itself is unreadable), then the
// worker advises each good line with the lot advisor and reports its progress.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { badRequest, notFound } from '@app/common';
import type { AdviceOption, LotAdvice } from '@app/domain';
import { ReferenceService, type ReferenceIndex } from '@app/reference';
import { LotAdviceService, newAdviceCache } from '../lot-advice.service';
import type { CommuneRef, ReferenceLookup } from '../reference-lookup';
import type { TenderActor } from '../tender.types';
import { purchaseFileFormat, purchaseRows } from './purchase-file';
import { mapPurchaseHeader, PURCHASE_COLUMN_LABELS, readPurchaseLine, type PurchaseLine } from './purchase-line';

/** A plan larger than this is refused: split it (it would keep one worker busy for minutes). */
export const MAX_PURCHASE_LINES = 100_000;
const INSERT_BATCH = 1000;
const ADVISE_BATCH = 500;

export type AnalysisStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface PurchaseAnalysisView {
  id: string;
  fileName: string;
  status: AnalysisStatus;
  totalLines: number;
  badLines: number;
  /** Good lines advised so far. */
  processed: number;
  /** 0–1 over the good lines. */
  progress: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** Good lines per recommendation, once advised. */
  recommendations: Partial<Record<AdviceOption, number>>;
}

/** The advice kept per line: what the results page and the export show. */
export interface StoredLineAdvice {
  recommendation: AdviceOption;
  reasons: string[];
  articles: string[];
  evidence: LotAdvice['evidence'];
  insertionHours: { hours: number; yearlyHours: number };
}

/** A line as read (without what only the advice needs), with its advice once the worker gave it. */
export type PurchaseLineView = Omit<PurchaseLine, 'cpvCodes' | 'prestationType'> & { advice: StoredLineAdvice | null };

interface AnalysisRow {
  id: string;
  owner_id: string;
  file_name: string;
  status: AnalysisStatus;
  total_lines: number;
  bad_lines: number;
  processed: number;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

@Injectable()
export class PurchaseAnalysesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly referenceService: ReferenceService,
    private readonly advice: LotAdviceService,
  ) {}

  private get index(): ReferenceIndex {
    return this.referenceService.index;
  }

  /**
   * Reads the file at `path` (already on disk) line by line into a new analysis owned by `owner`, in one
   * transaction: an unreadable file or header leaves nothing behind. The caller enqueues the advice job.
   */
  async create(owner: TenderActor, fileName: string, path: string): Promise<PurchaseAnalysisView> {
    const format = purchaseFileFormat(fileName);
    if (!format) throw badRequest('Format de fichier non pris en charge', [{ field: 'file', message: 'fichier .csv ou .xlsx attendu' }]);
    let resolvePlace = this.placeResolver(false);
    const id = await this.dataSource.transaction(async (manager) => {
      const [{ id }] = await manager.query(`INSERT INTO purchase_analyses (owner_id, file_name) VALUES ($1, $2) RETURNING id`, [owner.id, fileName.slice(0, 200)]);
      let mapping: ReturnType<typeof mapPurchaseHeader> | null = null;
      let rowNumber = 0;
      let total = 0;
      let bad = 0;
      let batch: PurchaseLine[] = [];
      try {
        for await (const cells of purchaseRows(path, format)) {
          rowNumber++;
          if (cells.every((c) => String(c ?? '').trim() === '')) continue;
          if (!mapping) {
            mapping = mapPurchaseHeader(cells.map(String));
            if (mapping.missing.length) {
              throw badRequest('En-tête du fichier incomplet', [
                { field: 'file', message: `colonnes manquantes : ${mapping.missing.map((c) => PURCHASE_COLUMN_LABELS[c]).join(', ')} (la première ligne doit nommer les colonnes)` },
              ]);
            }
            resolvePlace = this.placeResolver(mapping.placeIsPostcode);
            continue;
          }
          if (++total > MAX_PURCHASE_LINES) throw badRequest('Fichier trop grand', [{ field: 'file', message: `au plus ${MAX_PURCHASE_LINES} lignes d’achats par fichier` }]);
          const line = readPurchaseLine(rowNumber, cells, mapping, this.index as unknown as ReferenceLookup, resolvePlace);
          if (line.problem) bad++;
          batch.push(line);
          if (batch.length >= INSERT_BATCH) await this.insertLines(manager, id, batch.splice(0));
        }
      } catch (error) {
        if ((error as { status?: number }).status) throw error;
        throw badRequest('Fichier illisible', [{ field: 'file', message: `le fichier n’a pas pu être lu : ${(error as Error).message.slice(0, 200)}` }]);
      }
      if (!mapping || total === 0) throw badRequest('Fichier vide', [{ field: 'file', message: 'aucune ligne d’achat après l’en-tête' }]);
      await this.insertLines(manager, id, batch);
      await manager.query(`UPDATE purchase_analyses SET total_lines = $2, bad_lines = $3 WHERE id = $1`, [id, total, bad]);
      return id as string;
    });
    return this.get(id, owner);
  }

  /** The analysis when the actor owns it (admins see all); 404 otherwise, so others cannot probe ids. */
  async get(id: string, actor: TenderActor): Promise<PurchaseAnalysisView> {
    const row = await this.load(id, actor);
    const counts: { recommendation: AdviceOption; n: number }[] = await this.dataSource.query(
      `SELECT recommendation, count(*)::int AS n FROM purchase_analysis_lines WHERE analysis_id = $1 AND recommendation IS NOT NULL GROUP BY recommendation`,
      [id],
    );
    return toView(row, Object.fromEntries(counts.map((c) => [c.recommendation, c.n])));
  }

  async list(actor: TenderActor): Promise<PurchaseAnalysisView[]> {
    const rows: AnalysisRow[] = await this.dataSource.query(`SELECT * FROM purchase_analyses WHERE owner_id = $1 ORDER BY created_at DESC LIMIT 50`, [actor.id]);
    return rows.map((r) => toView(r, {}));
  }

  /** One page of lines; `problems` keeps the bad lines only. */
  async lines(id: string, actor: TenderActor, page: { page: number; perPage: number; problems?: boolean }): Promise<{ total: number; page: number; perPage: number; items: PurchaseLineView[] }> {
    await this.load(id, actor);
    const filter = page.problems ? 'AND problem IS NOT NULL' : '';
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM purchase_analysis_lines WHERE analysis_id = $1 ${filter}`, [id]);
    const rows = await this.dataSource.query(
      `SELECT * FROM purchase_analysis_lines WHERE analysis_id = $1 ${filter} ORDER BY line_number LIMIT $2 OFFSET $3`,
      [id, page.perPage, (page.page - 1) * page.perPage],
    );
    return { total, page: page.page, perPage: page.perPage, items: rows.map(toLineView) };
  }

  /** Every line in order, a batch at a time (the export streams them). */
  async *allLines(id: string, actor: TenderActor): AsyncGenerator<PurchaseLineView[]> {
    await this.load(id, actor);
    let after = 0;
    for (;;) {
      const rows = await this.dataSource.query(`SELECT * FROM purchase_analysis_lines WHERE analysis_id = $1 AND line_number > $2 ORDER BY line_number LIMIT 1000`, [id, after]);
      if (!rows.length) return;
      yield rows.map(toLineView);
      after = rows[rows.length - 1].line_number;
    }
  }

  /**
   * The worker's job: advises every good line not advised yet, so a retried or re-enqueued job resumes where
   * the last one stopped, and two jobs of the same analysis (the sweeper's and a stalled one BullMQ hands
   * back) only waste work: a line is written once (`advice IS NULL`) and counted once. `report` receives the
   * share done. Evidence is shared across lines of the same place and trade.
   */
  async process(id: string, report: (progress: number) => Promise<void>): Promise<void> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [[row]]: [AnalysisRow[], number] = await this.dataSource.query(
      `UPDATE purchase_analyses SET status = 'running', error = NULL, progressed_at = now() WHERE id = $1 AND status IN ('queued', 'running', 'failed') RETURNING *`,
      [id],
    );
    if (!row) return; // finished already, or deleted
    const good = row.total_lines - row.bad_lines;
    const cache = newAdviceCache(await this.advice.snapshot());
    for (;;) {
      const lines = await this.dataSource.query(
        `SELECT line_number, commune_code, cpv_codes, sectors, prestation_type, amount_eur FROM purchase_analysis_lines
         WHERE analysis_id = $1 AND problem IS NULL AND advice IS NULL ORDER BY line_number LIMIT ${ADVISE_BATCH}`,
        [id],
      );
      if (!lines.length) break;
      const numbers: number[] = [];
      const advices: string[] = [];
      const recommendations: string[] = [];
      for (const line of lines) {
        const commune = this.index.commune(line.commune_code)!;
        const advice = await this.advice.adviseAt(
          { communeCode: commune.code, location: commune.location, department: commune.department, region: commune.region, scope: 'commune' },
          { sectors: line.sectors, cpvCodes: line.cpv_codes, prestationType: line.prestation_type, amountEur: line.amount_eur, durationMonths: 12 },
          { cache },
        );
        const stored: StoredLineAdvice = {
          recommendation: advice.recommendation,
          reasons: advice.reasons,
          articles: advice.articles,
          evidence: advice.evidence,
          insertionHours: { hours: advice.insertionHours.hours, yearlyHours: advice.insertionHours.yearlyHours },
        };
        numbers.push(line.line_number);
        advices.push(JSON.stringify(stored));
        recommendations.push(advice.recommendation);
      }
      // One statement: the lines still unadvised get their advice, and the count grows by those only.
      const [[{ processed }]]: [{ processed: number }[], number] = await this.dataSource.query(
        `WITH written AS (
           UPDATE purchase_analysis_lines l SET advice = x.advice::jsonb, recommendation = x.recommendation
             FROM unnest($2::int[], $3::text[], $4::text[]) AS x(line_number, advice, recommendation)
            WHERE l.analysis_id = $1 AND l.line_number = x.line_number AND l.advice IS NULL
           RETURNING 1)
         UPDATE purchase_analyses SET processed = processed + (SELECT count(*) FROM written), progressed_at = now()
          WHERE id = $1 RETURNING processed`,
        [id, numbers, advices, recommendations],
      );
      await report(good ? Math.min(1, processed / good) : 1);
    }
    await this.dataSource.query(
      `UPDATE purchase_analyses SET status = 'succeeded', finished_at = now(), progressed_at = now(),
              processed = (SELECT count(*) FROM purchase_analysis_lines WHERE analysis_id = $1 AND advice IS NOT NULL)
        WHERE id = $1 AND status <> 'succeeded'`,
      [id],
    );
  }

  /**
   * Unfinished analyses (« en attente » or « en cours ») whose row has not moved for `staleAfterMs`: never
   * queued (the queue was down when the file was read), lost by the queue, or left by a worker that died.
   */
  async stale(staleAfterMs: number, limit = 100): Promise<{ id: string; requeues: number }[]> {
    return this.dataSource.query(
      `SELECT id, requeues FROM purchase_analyses
        WHERE status IN ('queued', 'running') AND progressed_at <= now() - make_interval(secs => $1::double precision / 1000)
        ORDER BY progressed_at LIMIT $2`,
      [staleAfterMs, limit],
    );
  }

  /**
   * Takes a stale analysis for the sweeper: counts one more requeue and moves `progressed_at`, only if nobody
   * (another worker's sweeper, a worker that came back) moved the row since `stale()` read it. Answers the
   * new requeue count, or null when the analysis is no longer stuck.
   */
  async claimStale(id: string, requeues: number, staleAfterMs: number): Promise<number | null> {
    const [rows]: [{ requeues: number }[], number] = await this.dataSource.query(
      `UPDATE purchase_analyses SET requeues = requeues + 1, progressed_at = now()
        WHERE id = $1 AND requeues = $2 AND status IN ('queued', 'running')
          AND progressed_at <= now() - make_interval(secs => $3::double precision / 1000)
        RETURNING requeues`,
      [id, requeues, staleAfterMs],
    );
    return rows[0]?.requeues ?? null;
  }

  async markFailed(id: string, message: string): Promise<void> {
    await this.dataSource.query(`UPDATE purchase_analyses SET status = 'failed', error = $2, finished_at = now(), progressed_at = now() WHERE id = $1 AND status <> 'succeeded'`, [id, message]);
  }

  private async load(id: string, actor: TenderActor): Promise<AnalysisRow> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('Analyse introuvable');
    const [row]: AnalysisRow[] = await this.dataSource.query(`SELECT * FROM purchase_analyses WHERE id = $1`, [id]);
    if (!row || (actor.role !== 'admin' && row.owner_id !== actor.id)) throw notFound('Analyse introuvable');
    return row;
  }

  private async insertLines(manager: EntityManager, id: string, lines: PurchaseLine[]): Promise<void> {
    if (!lines.length) return;
    await manager.query(
      `INSERT INTO purchase_analysis_lines (analysis_id, line_number, label, subject, amount_eur, place, commune_code, cpv_codes, sectors, prestation_type, problem)
       SELECT $1, x.n, x.label, x.subject, x.amount, x.place, x.commune, coalesce(string_to_array(x.cpv, ','), '{}'), coalesce(string_to_array(x.sectors, ','), '{}'), x.type, x.problem
       FROM unnest($2::int[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
         AS x(n, label, subject, amount, place, commune, cpv, sectors, type, problem)`,
      [
        id,
        lines.map((l) => l.lineNumber),
        lines.map((l) => l.label),
        lines.map((l) => l.subject),
        lines.map((l) => l.amountEur),
        lines.map((l) => l.place),
        lines.map((l) => l.communeCode),
        lines.map((l) => (l.cpvCodes.length ? l.cpvCodes.join(',') : null)),
        lines.map((l) => (l.sectors.length ? l.sectors.join(',') : null)),
        lines.map((l) => l.prestationType),
        lines.map((l) => l.problem),
      ],
    );
  }

  /**
   * INSEE code, postcode or name → commune, each distinct place looked up once per file. Five digits can be
   * both (69001 is Affoux's INSEE code and Lyon 1er's postcode): a "code postal" column reads postcodes first.
   */
  private placeResolver(postcodeFirst: boolean): (place: string) => CommuneRef | undefined {
    const seen = new Map<string, CommuneRef | undefined>();
    const byPostcode = (code: string) => this.index.matchCommunes(code).find((c) => c.postCodes.includes(code));
    return (place) => {
      const key = place.trim().toUpperCase();
      if (seen.has(key)) return seen.get(key);
      let found: CommuneRef | undefined;
      if (/^(\d{5}|2[AB]\d{3})$/.test(key)) found = postcodeFirst ? (byPostcode(key) ?? this.index.commune(key)) : (this.index.commune(key) ?? byPostcode(key));
      else found = this.index.largestCommuneNamed(place);
      seen.set(key, found);
      return found;
    };
  }
}

function toView(row: AnalysisRow, recommendations: Partial<Record<AdviceOption, number>>): PurchaseAnalysisView {
  const good = row.total_lines - row.bad_lines;
  return {
    id: row.id,
    fileName: row.file_name,
    status: row.status,
    totalLines: row.total_lines,
    badLines: row.bad_lines,
    processed: row.processed,
    progress: row.status === 'succeeded' || good === 0 ? 1 : Math.round((row.processed / good) * 1000) / 1000,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    recommendations,
  };
}

function toLineView(row: Record<string, unknown>): PurchaseLineView {
  return {
    lineNumber: row.line_number as number,
    label: row.label as string,
    subject: row.subject as string,
    amountEur: row.amount_eur as number | null,
    place: row.place as string,
    communeCode: row.commune_code as string | null,
    sectors: (row.sectors as string[]) ?? [],
    problem: row.problem as string | null,
    advice: row.advice as StoredLineAdvice | null,
  };
}
