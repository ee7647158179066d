// PostgreSQL adapter (default engine): search_documents (migration 1700000002000) with a weighted French
// tsvector (unaccent + french_stem, GIN), earthdistance points and intervention-area boxes (GiST), and
// search_vocabulary (pg_trgm) for typo correction. See architecture.md "Measured on this machine".
import { performance } from 'node:perf_hooks';
import QueryStream from 'pg-query-stream';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { EARTH_RADIUS_KM } from '@app/domain';
import type { FacetCounts, IndexedStructure, RebuildProgress, SearchHit, SearchIndex, SearchResult } from '../search-index.port';
import { SEARCH_FACETS, SearchFacet, SearchQuery, distanceOrigin } from '../search-query';
import { StructureDocument, weightedText } from '../structure-document';
import { MIN_TYPO_WORD_LENGTH, queryWords, words } from '../text';
import { hitFrom, withDistance } from '../hits';
import { TextQueryPlan, WordInfo, planTextQuery } from './text-query';
import { VersionedCache } from './versioned-cache';

const TABLE = 'search_documents';
const VOCABULARY = 'search_vocabulary';
/** One row: the index version, bumped in the transaction of every write to the documents (migration 1700000006010). */
const STATE = 'search_index_state';
const BUMP_VERSION = `UPDATE ${STATE} SET version = version + 1`;
/**
 * The version in the snapshot of the statement that selects it (an InitPlan, evaluated once): the page and facet
 * statements carry it, so a cached plan or cached counts are checked against the very snapshot of the answer,
 * without a round trip of their own (a round trip costs ~0.5 ms of API CPU on the bench machine).
 */
const VERSION_NOW = `(SELECT version FROM ${STATE}) AS index_version`;
/** Text plans and facet answers kept by default (a few KB each at most). */
export const DEFAULT_CACHE_SIZE = 256;
/** The index the heap is clustered on at each rebuild (region, department, commune). */
const PLACE_INDEX = `${TABLE}_place`;
/** earthdistance measures on a sphere of earth() metres; the domain (areaCovers, distanceKm) on EARTH_RADIUS_KM. */
const earthUnits = (kmSql: string) => `(${kmSql}) * earth() / ${EARTH_RADIUS_KM}`;
/** ts_rank weights {D, C, B, A}. */
const RANK_WEIGHTS = `'{0.1, 0.2, 0.4, 1.0}'`;
/** A known word found in at most this many documents may still be a typo ("blanchiserie" in one description). */
const RARE_WORD_DOCUMENTS = 2;
/** Nearest vocabulary words examined per doubtful word. */
const NEIGHBOURS = 12;
/** Words shorter than this are not worth a vocabulary entry (typo correction starts at 5 letters). */
const MIN_VOCABULARY_WORD = 4;

/** Below this many documents with every word, documents with half of the words are accepted too. */
export const RELAX_BELOW = 10;

/** The text part of a query: its plan, and whether the relaxed matching is in force. */
interface TextMatch {
  plan: TextQueryPlan;
  relaxed: boolean;
}

const DISPLAY_COLUMNS = `d.id, d.siret, d.name, d.brand, d.kind, d.commune_code, d.commune_name, d.department, d.region,
  d.sectors, d.prestation_types, d.open_to_co_contracting, d.annual_revenue_eur, d.website, d.lat, d.lon`;

interface Row {
  id: string;
  siret: string;
  name: string;
  brand: string | null;
  kind: IndexedStructure['kind'];
  commune_code: string | null;
  commune_name: string | null;
  department: string | null;
  region: string | null;
  sectors: string[];
  prestation_types: IndexedStructure['prestationTypes'];
  open_to_co_contracting: boolean;
  annual_revenue_eur: number | null;
  website: string | null;
  lat: number | null;
  lon: number | null;
  score?: number;
}

function toIndexed(row: Row): IndexedStructure {
  return {
    id: row.id,
    siret: row.siret,
    name: row.name,
    brand: row.brand,
    kind: row.kind,
    communeCode: row.commune_code,
    communeName: row.commune_name,
    department: row.department,
    region: row.region,
    sectors: row.sectors,
    prestationTypes: row.prestation_types,
    openToCoContracting: row.open_to_co_contracting,
    annualRevenueEur: row.annual_revenue_eur,
    website: row.website,
    location: row.lat !== null && row.lon !== null ? { lat: row.lat, lon: row.lon } : null,
  };
}

/** Positional parameters for one statement. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

interface Compiled {
  params: Params;
  /** Filters every part of the answer shares (text, place, inclusive, regions, co-contracting, revenue). */
  common: string[];
  /** Filters that are also facets: each facet's counts ignore its own filter. */
  facetFilters: Partial<Record<SearchFacet, string>>;
  /** Ordering keys computed per row (aliases o_cov, o_rank, o_dist), the ORDER BY over them, and the score. */
  keys: { select: string[]; order: string; score: string };
}

/** Filter name of the contract behind each facet. */
const FACET_FILTER: Record<SearchFacet, keyof SearchQuery> = {
  kind: 'kinds',
  sector: 'sectors',
  department: 'departments',
  prestationType: 'prestationTypes',
};

export class PostgresSearchIndex implements SearchIndex {
  readonly engine = 'postgres' as const;

  /** Text plans and facet counts of recent queries, valid while the index version is unchanged. */
  private readonly plans: VersionedCache<TextQueryPlan | null>;
  private readonly facetCache: VersionedCache<{ total: number; facets: FacetCounts }>;

  constructor(
    private readonly dataSource: DataSource,
    options: { cacheSize?: number } = {},
  ) {
    this.plans = new VersionedCache(options.cacheSize ?? DEFAULT_CACHE_SIZE);
    this.facetCache = new VersionedCache(options.cacheSize ?? DEFAULT_CACHE_SIZE);
  }

  /** The index version (bumped by every write), read alone: only when a statement that carries it returned no row. */
  private async version(): Promise<string> {
    const [{ index_version }]: { index_version: string }[] = await this.dataSource.query(`SELECT ${VERSION_NOW}`);
    return index_version;
  }

  async health(): Promise<boolean> {
    await this.dataSource.query(`SELECT 1 FROM ${TABLE} LIMIT 1`);
    return true;
  }

  async prepare(): Promise<void> {
    // Tables, text configuration and indexes come from the migration.
  }

  async count(): Promise<number> {
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM ${TABLE}`);
    return n;
  }

  /**
   * Stems, plural variants, stop words and frequencies of the query words (one round trip); then, only for
   * words of 5+ letters that the index does not know (or barely: a typo may sit in one description), their
   * nearest indexed words by trigram distance (a second, KNN round trip).
   */
  async planText(q: string | undefined): Promise<TextQueryPlan | null> {
    return (await this.versionedPlanText(queryWords(q))).value;
  }

  /** planText with the index version of its first statement (the plan reflects at least that version). */
  private async versionedPlanText(wordsOfQuery: string[]): Promise<{ version: string; value: TextQueryPlan | null }> {
    if (!wordsOfQuery.length) return { version: '', value: null };
    const rows: (WordInfo & { documents: number; index_version: string })[] = await this.dataSource.query(
      `SELECT w.word,
              plainto_tsquery('french_unaccent', w.word)::text AS lexemes,
              ARRAY[plainto_tsquery('french_unaccent', w.word || 's')::text,
                    plainto_tsquery('french_unaccent', regexp_replace(w.word, '(.{3,})[sx]$', '\\1'))::text] AS variants,
              v.word IS NOT NULL AS known,
              COALESCE(v.ndoc, 0) AS ndoc,
              (SELECT reltuples FROM pg_class WHERE oid = '${TABLE}'::regclass) AS documents, ${VERSION_NOW}
         FROM unnest($1::text[]) WITH ORDINALITY AS w(word, position)
         LEFT JOIN ${VOCABULARY} v ON v.word = w.word
        ORDER BY w.position`,
      [wordsOfQuery],
    );
    const doubtful = rows
      .filter((r) => r.lexemes && r.word.length >= MIN_TYPO_WORD_LENGTH && !/^\d+$/.test(r.word) && (!r.known || (r.ndoc ?? 0) <= RARE_WORD_DOCUMENTS))
      .map((r) => r.word);
    const infos: WordInfo[] = rows.map((r) => ({ ...r, neighbours: [] }));
    if (doubtful.length) {
      const neighbours: { word: string; neighbour: string; ndoc: number; lexemes: string }[] = await this.dataSource.query(
        `SELECT w.word, n.word AS neighbour, n.ndoc, plainto_tsquery('french_unaccent', n.word)::text AS lexemes
           FROM unnest($1::text[]) AS w(word)
           CROSS JOIN LATERAL (SELECT x.word, x.ndoc FROM ${VOCABULARY} x ORDER BY x.word <-> w.word LIMIT ${NEIGHBOURS}) n`,
        [doubtful],
      );
      for (const n of neighbours) infos.find((i) => i.word === n.word)?.neighbours.push({ word: n.neighbour, ndoc: n.ndoc, lexemes: n.lexemes });
    }
    return { version: rows[0].index_version, value: planTextQuery(infos, Number(rows[0]?.documents ?? 0)) };
  }

  /**
   * `ordered`: the statement orders and scores rows (only then are ranking and distance parameters bound).
   * `facetFiltersInWhere: false` (facet counts) keeps apart only the filters of the facets asked for: a filter
   * whose facet is not counted narrows every count alike, so it belongs in the WHERE (fewer rows to count).
   */
  private compile(query: SearchQuery, text: TextMatch | null, options: { facetFiltersInWhere: boolean; ordered: boolean }): Compiled {
    const p = new Params();
    const common: string[] = [];
    const facetFilters: Compiled['facetFilters'] = {};
    const origin = options.ordered ? distanceOrigin(query) : undefined;
    const originSql = origin ? `ll_to_earth(${p.add(origin.lat, '::float8')}, ${p.add(origin.lon, '::float8')})` : null;

    let coverage = '';
    let rank = '';
    if (text) {
      common.push(`d.tsv @@ ${p.add(text.relaxed ? text.plan.relaxed : text.plan.strict, '::tsquery')}`);
      if (options.ordered) {
        // Words matched, each weighted by its rarity, and counted in full when found in a strong field (name,
        // brand, sector label, place), half when only in groups, keywords, offers or description.
        const { groups, strongGroups, weights } = text.plan;
        // Strict matching: every row has every group, only the strong part of each group is worth testing.
        const found = (g: string) => (text.relaxed ? `(d.tsv @@ ${p.add(g, '::tsquery')})::int` : '1');
        coverage = `(${groups
          .map((g, i) => `(${found(g)} + (d.tsv @@ ${p.add(strongGroups[i], '::tsquery')})::int) * ${p.add(weights[i] / 2, '::float8')}`)
          .join(' + ')})`;
        rank = `ts_rank(${RANK_WEIGHTS}, d.tsv, ${p.add(text.plan.any, '::tsquery')})`;
      }
    }
    if (query.inclusiveOnly) common.push('d.inclusive');
    if (query.kinds?.length) facetFilters.kind = `d.kind = ANY(${p.add(query.kinds, '::text[]')})`;
    if (query.sectors?.length) facetFilters.sector = `d.sectors && ${p.add(query.sectors, '::text[]')}`;
    if (query.departments?.length) facetFilters.department = `d.department = ANY(${p.add(query.departments, '::text[]')})`;
    if (query.prestationTypes?.length) facetFilters.prestationType = `d.prestation_types && ${p.add(query.prestationTypes, '::text[]')}`;
    if (query.regions?.length) common.push(`d.region = ANY(${p.add(query.regions, '::text[]')})`);
    if (query.openToCoContracting !== undefined) common.push(`d.open_to_co_contracting = ${p.add(query.openToCoContracting, '::boolean')}`);
    if (query.minAnnualRevenueEur !== undefined) common.push(`d.annual_revenue_eur >= ${p.add(query.minAnnualRevenueEur, '::float8')}`);
    if (query.near && query.radiusKm !== undefined) {
      const near = `ll_to_earth(${p.add(query.near.location.lat, '::float8')}, ${p.add(query.near.location.lon, '::float8')})`;
      const reach = earthUnits(p.add(query.radiusKm, '::float8'));
      common.push(`earth_box(${near}, ${reach}) @> d.geo AND earth_distance(d.geo, ${near}) <= ${reach}`);
    }
    if (query.servesCommune) {
      // Same meaning as the domain's areaCovers: national, listed department or region, or radius from the location.
      const place = query.servesCommune;
      const point = `ll_to_earth(${p.add(place.location.lat, '::float8')}, ${p.add(place.location.lon, '::float8')})`;
      const lon = p.add(place.location.lon, '::float8');
      const lat = p.add(place.location.lat, '::float8');
      const lonLat = `box(point(${lon}, ${lat}), point(${lon}, ${lat}))`;
      common.push(`(d.area_type = 'national'
        OR d.area_departments @> ARRAY[${p.add(place.department, '::text')}]
        OR d.area_regions @> ARRAY[${p.add(place.region, '::text')}]
        OR (d.area_bbox @> ${lonLat} AND earth_distance(d.geo, ${point}) <= d.area_reach))`);
    }
    for (const facet of SEARCH_FACETS) {
      const filter = facetFilters[facet];
      if (filter && (options.facetFiltersInWhere || !query.facets.includes(facet))) {
        common.push(filter);
        delete facetFilters[facet];
      }
    }

    const select: string[] = [];
    if (text && options.ordered) select.push(`${coverage} AS o_cov`, `${rank} AS o_rank`);
    if (originSql) select.push(`earth_distance(d.geo, ${originSql}) AS o_dist`);
    const byName = 'name_sort, id';
    const byText = text ? 'o_cov DESC, o_rank DESC' : null;
    const byDistance = originSql ? 'o_dist NULLS LAST' : null;
    let order: string;
    if (query.sort === 'name') order = byName;
    else if (query.sort === 'distance') order = [byDistance, byText, byName].filter(Boolean).join(', ');
    else order = [byText, byDistance, byName].filter(Boolean).join(', ');
    // Score: weighted words matched, plus the rank squeezed below 1, so the order of scores is the order of hits.
    const score = text ? `(o_cov + o_rank / (1 + o_rank))::float8` : '0::float8';
    return { params: p, common, facetFilters, keys: { select, order, score } };
  }

  /**
   * The text plan and the facet counts come from the caches when the answer's own snapshot has the version they
   * were computed at (the page statement carries the version): a write committed since is never hidden.
   */
  async search(query: SearchQuery): Promise<SearchResult> {
    const started = performance.now();
    const words = queryWords(query.q);
    const planKey = JSON.stringify(words);
    let planned = words.length ? this.plans.peek(planKey) : undefined;
    const planCached = planned !== undefined;
    if (words.length && !planned) planned = await this.versionedPlanText(words);
    let text: TextMatch | null = planned?.value ? { plan: planned.value, relaxed: false } : null;
    let answer = await this.answer(query, text, planCached);
    if (planCached && answer.version !== planned!.version) {
      // The index changed since the cached plan: plan again (and keep that plan for the next requests).
      planned = await this.versionedPlanText(words);
      text = planned.value && { plan: planned.value, relaxed: false };
      answer = await this.answer(query, text, false);
    }
    if (words.length) this.plans.set(planKey, planned!.version, planned!.value);
    // Too few documents have every word: accept those with half of them, full matches still first.
    const plan = planned?.value;
    if (plan?.relaxed && answer.total < RELAX_BELOW) {
      text = { plan, relaxed: true };
      answer = await this.answer(query, text, false);
    }
    const { hitRows, facetAnswer, total } = answer;
    const origin = distanceOrigin(query);
    const hits: SearchHit[] = hitRows.map((row) => hitFrom(toIndexed(row), Number(row.score ?? 0), origin));
    return { total, hits, facets: facetAnswer?.facets ?? {}, tookMs: Math.round((performance.now() - started) * 10) / 10 };
  }

  /**
   * The page with its total (a window count over the fenced matches), or the page and the facets with their
   * total when facets are asked: counts cached at the page's version, else a second statement on a second
   * connection, at once when nothing is cached for them. `version`: the index version of the page's snapshot
   * (read alone when the page has no row and something cached depends on it: `needVersion`).
   */
  private async answer(
    query: SearchQuery,
    text: TextMatch | null,
    needVersion: boolean,
  ): Promise<{ hitRows: Row[]; facetAnswer: { total: number; facets: FacetCounts } | null; total: number; version: string | null }> {
    const facetStatement = query.facets.length ? this.facetStatement(query, text) : null;
    const cachedFacets = facetStatement && this.facetCache.peek(facetStatement.key);
    // With facets, the total comes with the counts: the page then needs no window count over every match.
    const [page, counted] = await Promise.all([
      this.page(query, text, !facetStatement),
      facetStatement && !cachedFacets ? this.facetCounts(query, facetStatement) : Promise.resolve(null),
    ]);
    let version = page.version;
    if (version === null && (needVersion || cachedFacets)) version = await this.version();
    let facetAnswer = counted;
    if (facetStatement && !facetAnswer) {
      facetAnswer = cachedFacets!.version === version ? cachedFacets!.value : await this.facetCounts(query, facetStatement);
    }
    let total = facetAnswer?.total ?? page.total;
    if (total === null) total = await this.countOnly(query, text);
    return { hitRows: page.rows, facetAnswer, total, version };
  }

  /** total is null when not asked for (`withTotal` false) or when it could not come with the page (a page past the end). */
  private async page(query: SearchQuery, text: TextMatch | null, withTotal: boolean): Promise<{ rows: Row[]; total: number | null; version: string | null }> {
    const c = this.compile(query, text, { facetFiltersInWhere: true, ordered: true });
    const limit = c.params.add(query.perPage, '::int');
    const offset = c.params.add((query.page - 1) * query.perPage, '::bigint');
    const where = c.common.length ? `WHERE ${c.common.join(' AND ')}` : '';
    const filtered = c.common.length > (query.inclusiveOnly ? 1 : 0);
    if (!filtered) {
      // The whole catalogue: walk the name index (or sort by distance) and count apart, cached a moment.
      const [rows, total] = await Promise.all([
        this.dataSource.query(
          `SELECT ${DISPLAY_COLUMNS}, d.name_sort${c.keys.select.map((k) => `, ${k}`).join('')}, ${c.keys.score} AS score, ${VERSION_NOW}
             FROM ${TABLE} d ${where} ORDER BY ${c.keys.order} LIMIT ${limit} OFFSET ${offset}`,
          c.params.values,
        ) as Promise<(Row & { index_version: string })[]>,
        this.catalogueSize(query.inclusiveOnly),
      ]);
      return { rows, total, version: rows[0]?.index_version ?? null };
    }
    // With filters the matches are computed first (OFFSET 0 fences the subquery): otherwise the planner may walk
    // the name index hoping to meet 20 matches early ("EA/ESAT in Île-de-France" sort late by name). Only the
    // ordering keys of every match are carried through the count and the sort; the displayed columns are read
    // for the page's rows alone (a one-word query matches thousands: ~25% less PostgreSQL time).
    const rows: (Row & { total?: string; index_version: string })[] = await this.dataSource.query(
      `SELECT ${DISPLAY_COLUMNS}, ${c.keys.score} AS score${withTotal ? ', p.total' : ''}, ${VERSION_NOW}
         FROM (SELECT m.*${withTotal ? ', count(*) OVER () AS total' : ''}
                 FROM (SELECT d.id, d.name_sort${c.keys.select.map((k) => `, ${k}`).join('')}
                         FROM ${TABLE} d ${where} OFFSET 0) m
                ORDER BY ${c.keys.order}
                LIMIT ${limit} OFFSET ${offset}) p
         JOIN ${TABLE} d USING (id, name_sort)
        ORDER BY ${c.keys.order}`,
      c.params.values,
    );
    const version = rows[0]?.index_version ?? null;
    if (!withTotal) return { rows, total: null, version };
    return { rows, total: rows.length ? Number(rows[0].total) : query.page === 1 ? 0 : null, version };
  }

  private sizes = new Map<boolean, { n: number; at: number }>();

  /** Structures in the index (inclusive ones, or all), cached 2 s: the unfiltered list asks it at every page. */
  private async catalogueSize(inclusiveOnly: boolean): Promise<number> {
    const cached = this.sizes.get(inclusiveOnly);
    if (cached && Date.now() - cached.at < 2000) return cached.n;
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM ${TABLE} ${inclusiveOnly ? 'WHERE inclusive' : ''}`);
    this.sizes.set(inclusiveOnly, { n, at: Date.now() });
    return n;
  }

  private async countOnly(query: SearchQuery, text: TextMatch | null): Promise<number> {
    const c = this.compile(query, text, { facetFiltersInWhere: true, ordered: false });
    const [{ n }] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM ${TABLE} d ${c.common.length ? `WHERE ${c.common.join(' AND ')}` : ''}`,
      c.params.values,
    );
    return n;
  }

  /**
   * One scan of the rows matching the shared filters; each facet counts them under every other facet filter.
   * The total's row carries the index version of the statement's snapshot. `key`: the statement and its
   * parameters, which count the same rows while the index version holds.
   */
  private facetStatement(query: SearchQuery, text: TextMatch | null): { sql: string; values: unknown[]; key: string } {
    const c = this.compile(query, text, { facetFiltersInWhere: false, ordered: false });
    const flags = SEARCH_FACETS.map((facet) => `${c.facetFilters[facet] ?? 'true'} AS f_${facet}`);
    const others = (facet: SearchFacet | null) =>
      SEARCH_FACETS.filter((f) => f !== facet && c.facetFilters[f]).map((f) => `f_${f}`).join(' AND ') || 'true';
    const column: Record<SearchFacet, string> = {
      kind: 'b.kind',
      department: 'b.department',
      sector: 'unnest(b.sectors)',
      prestationType: 'unnest(b.prestation_types)',
    };
    const parts = [`SELECT 'total' AS facet, (SELECT version FROM ${STATE})::text AS value, count(*)::int AS n FROM base b WHERE ${others(null)}`];
    for (const facet of query.facets) {
      parts.push(`SELECT '${facet}', v, count(*)::int FROM (SELECT ${column[facet]} AS v FROM base b WHERE ${others(facet)}) x
        WHERE v IS NOT NULL GROUP BY v`);
    }
    const sql = `WITH base AS MATERIALIZED (
         SELECT d.kind, d.sectors, d.department, d.prestation_types, ${flags.join(', ')}
           FROM ${TABLE} d ${c.common.length ? `WHERE ${c.common.join(' AND ')}` : ''})
       ${parts.join('\nUNION ALL\n')}`;
    return { sql, values: c.params.values, key: `${sql}\u0000${JSON.stringify(c.params.values)}` };
  }

  /** Runs a facet statement and keeps its answer under the version of its own snapshot. */
  private async facetCounts(query: SearchQuery, statement: { sql: string; values: unknown[]; key: string }): Promise<{ total: number; facets: FacetCounts }> {
    const rows: { facet: string; value: string | null; n: number }[] = await this.dataSource.query(statement.sql, statement.values);
    const facets: FacetCounts = {};
    for (const facet of query.facets) facets[facet] = {};
    let total = 0;
    let version = '';
    for (const row of rows) {
      if (row.facet === 'total') [total, version] = [row.n, row.value!];
      else facets[row.facet as SearchFacet]![row.value!] = row.n;
    }
    for (const facet of query.facets) facets[facet] = sortCounts(facets[facet]!);
    this.facetCache.set(statement.key, version, { total, facets });
    return { total, facets };
  }

  async *streamAll(query: SearchQuery): AsyncIterable<(IndexedStructure & { distanceKm?: number })[]> {
    const plan = await this.planText(query.q);
    let text: TextMatch | null = plan && { plan, relaxed: false };
    // Same matching as search(): the export holds what the result pages show.
    if (plan?.relaxed && (await this.countOnly(query, text)) < RELAX_BELOW) text = { plan, relaxed: true };
    const c = this.compile(query, text, { facetFiltersInWhere: true, ordered: true });
    const origin = distanceOrigin(query);
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    // A server-side cursor: PostgreSQL sends 500 rows at a time, whatever the number of matches.
    const stream = client.query(
      new QueryStream(
        `SELECT ${DISPLAY_COLUMNS}, d.name_sort${c.keys.select.map((k) => `, ${k}`).join('')}
           FROM ${TABLE} d ${c.common.length ? `WHERE ${c.common.join(' AND ')}` : ''} ORDER BY ${c.keys.order}`,
        c.params.values,
        { batchSize: 500, highWaterMark: 500 },
      ),
    );
    try {
      let batch: (IndexedStructure & { distanceKm?: number })[] = [];
      for await (const row of stream as AsyncIterable<Row>) {
        batch.push(withDistance(toIndexed(row), origin));
        if (batch.length >= 500) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      stream.destroy();
      await runner.release();
    }
  }

  async upsert(documents: StructureDocument[]): Promise<void> {
    if (!documents.length) return;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(upsertSql(TABLE), [JSON.stringify(documents.map(toRecord))]);
      await manager.query(
        `INSERT INTO ${VOCABULARY} (word, ndoc) SELECT w, 1 FROM unnest($1::text[]) AS w ON CONFLICT (word) DO NOTHING`,
        [[...vocabularyOf(documents).keys()]],
      );
      await manager.query(BUMP_VERSION);
    });
  }

  async remove(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM ${TABLE} WHERE id = ANY($1::uuid[])`, [ids]);
      await manager.query(BUMP_VERSION);
    });
  }

  /**
   * Fills a shadow table without indexes, indexes it like the live table (definitions read from the
   * catalogue), then swaps both tables and the vocabulary in one short transaction.
   */
  async rebuild(batches: AsyncIterable<StructureDocument[]>, total: number, progress?: RebuildProgress): Promise<number> {
    const next = `${TABLE}_next`;
    await this.dataSource.query(`DROP TABLE IF EXISTS ${next}`);
    await this.dataSource.query(`CREATE TABLE ${next} (LIKE ${TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (id))`);
    const vocabulary = new Map<string, number>();
    let indexed = 0;
    try {
      progress?.(0, total);
      for await (const batch of batches) {
        if (!batch.length) continue;
        await this.dataSource.query(upsertSql(next), [JSON.stringify(batch.map(toRecord))]);
        for (const [word, n] of vocabularyOf(batch)) vocabulary.set(word, (vocabulary.get(word) ?? 0) + n);
        indexed += batch.length;
        progress?.(indexed, Math.max(total, indexed));
      }
      const definitions: { indexname: string; indexdef: string }[] = await this.dataSource.query(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 AND indexname <> $2`,
        [TABLE, `${TABLE}_pkey`],
      );
      const onNext = (indexname: string, indexdef: string) =>
        indexdef.replace(`INDEX ${indexname} ON`, `INDEX ${indexname}__next ON`).replace(new RegExp(`ON (\\w+\\.)?${TABLE} `), `ON $1${next} `);
      // Place order first (CLUSTER), then the other indexes over the ordered heap.
      const place = definitions.find((d) => d.indexname === PLACE_INDEX);
      if (place) {
        await this.dataSource.query(onNext(place.indexname, place.indexdef));
        await this.dataSource.query(`CLUSTER ${next} USING ${PLACE_INDEX}__next`);
      }
      for (const { indexname, indexdef } of definitions) if (indexname !== PLACE_INDEX) await this.dataSource.query(onNext(indexname, indexdef));
      const entries = [...vocabulary.entries()];
      await this.dataSource.transaction(async (manager) => {
        await manager.query(`LOCK TABLE ${TABLE} IN ACCESS EXCLUSIVE MODE`);
        await manager.query(`DROP TABLE ${TABLE}`);
        await manager.query(`ALTER TABLE ${next} RENAME TO ${TABLE}`);
        await manager.query(`ALTER TABLE ${TABLE} RENAME CONSTRAINT ${next}_pkey TO ${TABLE}_pkey`);
        for (const { indexname } of definitions) await manager.query(`ALTER INDEX ${indexname}__next RENAME TO ${indexname}`);
        await manager.query(`TRUNCATE ${VOCABULARY}`);
        await manager.query(`INSERT INTO ${VOCABULARY} (word, ndoc) SELECT * FROM unnest($1::text[], $2::int[])`, [
          entries.map(([w]) => w),
          entries.map(([, n]) => n),
        ]);
        await manager.query(BUMP_VERSION);
      });
      // Visibility map and statistics for the new table: index-only scans and good plans from the first query.
      await this.dataSource.query(`VACUUM (ANALYZE) ${TABLE}`);
      return indexed;
    } catch (error) {
      await this.dataSource.query(`DROP TABLE IF EXISTS ${next}`).catch(() => undefined);
      throw error;
    }
  }
}

function sortCounts(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** Indexed words (folded, 4+ letters, not numbers) → number of documents containing them. */
function vocabularyOf(documents: StructureDocument[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const doc of documents) {
    const text = weightedText(doc);
    for (const word of new Set(words(`${text.A} ${text.B} ${text.C} ${text.D}`))) {
      if (word.length < MIN_VOCABULARY_WORD || /^\d+$/.test(word)) continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return counts;
}

function toRecord(doc: StructureDocument) {
  const text = weightedText(doc);
  return {
    id: doc.id,
    siret: doc.siret,
    name: doc.name,
    brand: doc.brand,
    name_sort: doc.nameSort,
    kind: doc.kind,
    inclusive: doc.inclusive,
    commune_code: doc.communeCode,
    commune_name: doc.communeName,
    department: doc.department,
    region: doc.region,
    lat: doc.location?.lat ?? null,
    lon: doc.location?.lon ?? null,
    sectors: doc.sectors,
    prestation_types: doc.prestationTypes,
    open_to_co_contracting: doc.openToCoContracting,
    annual_revenue_eur: doc.annualRevenueEur,
    website: doc.website,
    area_type: doc.area.type,
    area_departments: doc.area.departments,
    area_regions: doc.area.regions,
    area_radius_km: doc.area.radiusKm,
    ta: text.A,
    tb: text.B,
    tc: text.C,
    td: text.D,
  };
}

/**
 * A lon/lat box containing the circle of `km` around (lat, lon), with margins: a degree of latitude is at least
 * 110.5 km, a degree of longitude at least 111.3 km × cos(the circle's highest latitude).
 */
function circleBox(lat: string, lon: string, km: string): string {
  const dLat = `(${km} / 110.5)`;
  const dLon = `(${km} / (111.3 * cos(radians(least(89.0, abs(${lat}) + ${dLat})))))`;
  return `box(point(${lon} - ${dLon}, ${lat} - ${dLat}), point(${lon} + ${dLon}, ${lat} + ${dLat}))`;
}

function upsertSql(table: string): string {
  const columns = [
    'id', 'siret', 'name', 'brand', 'name_sort', 'kind', 'inclusive', 'commune_code', 'commune_name', 'department', 'region',
    'lat', 'lon', 'sectors', 'prestation_types', 'open_to_co_contracting', 'annual_revenue_eur', 'website', 'area_type',
    'area_departments', 'area_regions', 'area_radius_km',
  ];
  const computed = ['geo', 'area_reach', 'area_bbox', 'tsv', 'indexed_at'];
  return `INSERT INTO ${table} (${[...columns, ...computed].join(', ')})
    SELECT ${columns.map((c) => `x.${c}`).join(', ')},
      CASE WHEN x.lat IS NOT NULL AND x.lon IS NOT NULL THEN ll_to_earth(x.lat, x.lon) END,
      ${earthUnits('x.area_radius_km')},
      CASE WHEN x.area_type = 'radius' AND x.lat IS NOT NULL AND x.lon IS NOT NULL THEN ${circleBox('x.lat', 'x.lon', 'x.area_radius_km')} END,
      setweight(to_tsvector('french_unaccent', x.ta), 'A') || setweight(to_tsvector('french_unaccent', x.tb), 'B')
        || setweight(to_tsvector('french_unaccent', x.tc), 'C') || setweight(to_tsvector('french_unaccent', x.td), 'D'),
      now()
    FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, siret text, name text, brand text, name_sort text, kind text,
      inclusive boolean, commune_code text, commune_name text, department text, region text, lat float8, lon float8,
      sectors text[], prestation_types text[], open_to_co_contracting boolean, annual_revenue_eur float8, website text,
      area_type text, area_departments text[], area_regions text[], area_radius_km float8, ta text, tb text, tc text, td text)
    ON CONFLICT (id) DO UPDATE SET ${[...columns.slice(1), ...computed].map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
}
