import { Controller, Get, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { badRequest } from '@app/common';
import { ReferenceService } from '@app/reference';
import { DEFAULT_PER_PAGE, SearchQuery, SearchService, distanceOrigin, normaliseAreaCode } from '@app/search';
import { Public } from '../auth/auth.guard';
import { ExportRow, exportColumns, exportHeaders, writeCsv, writeXlsx } from './export-writer';
import { ExportStructuresQuery, SearchStructuresQuery } from './search-structures.dto';

/** A longer query string is abuse, not a search (q itself is capped at 200 characters). */
const MAX_QUERY_STRING = 4096;

@ApiTags('search')
@Controller('api/v1/search/structures')
export class SearchController {
  private readonly logger = new Logger('SearchExport');

  constructor(
    private readonly search: SearchService,
    private readonly reference: ReferenceService,
  ) {}

  @Public()
  @Get()
  @ApiOkResponse({ description: '{ total, page, perPage, tookMs, hits, facets, incomplete, pendingStructures, placeFromQuery? }' })
  async find(@Query() dto: SearchStructuresQuery, @Req() request: Request) {
    const query = this.toQuery(dto, request);
    const [result, pendingStructures] = await Promise.all([this.search.search(query), this.search.pendingStructures()]);
    return {
      total: result.total,
      page: query.page,
      perPage: query.perPage,
      tookMs: result.tookMs,
      hits: result.hits,
      facets: result.facets,
      // Written structures not yet indexed (e.g. the first import still running): the answer may miss them.
      incomplete: pendingStructures > 0,
      pendingStructures,
      // A town typed in `q` read as the place to serve (placeFromText=false searches the words as typed).
      ...(result.placeFromQuery ? { placeFromQuery: result.placeFromQuery } : {}),
    };
  }

  /** Every match of the filters (not one page), streamed as CSV or XLSX with a header row. */
  @Public()
  @Get('export')
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async export(@Query() dto: ExportStructuresQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    const query = this.toQuery(dto, request);
    const format = dto.format ?? 'csv';
    const batches = this.search.stream(query)[Symbol.asyncIterator]();
    // Read the first batch before any header: a failure here is still a clean problem+json answer.
    const first = await batches.next();
    const columns = exportColumns(
      {
        sector: (code) => this.reference.sector(code)?.label ?? code,
        department: (code) => this.reference.index.department(code)?.name ?? code,
        region: (code) => this.reference.index.region(code)?.name ?? code,
      },
      !!distanceOrigin(query),
    );
    const pending = await this.search.pendingStructures();
    exportHeaders(response, format);
    // A file has no room for a flag: the header says whether structures were still waiting to be indexed.
    response.setHeader('X-Search-Incomplete', pending > 0 ? 'true' : 'false');
    const rows: ExportRow[] = first.done ? [] : first.value;
    try {
      if (format === 'csv') await writeCsv(response, columns, batches, rows);
      else await writeXlsx(response, columns, batches, rows);
    } catch (error) {
      // Headers are gone: the only honest signal left is a broken download.
      this.logger.error(`export failed mid-stream: ${(error as Error).message}`);
      await batches.return?.();
      response.destroy(error as Error);
    }
  }

  private toQuery(dto: SearchStructuresQuery, request: Request): SearchQuery {
    if (request.originalUrl.length > MAX_QUERY_STRING) {
      throw badRequest('La requête est trop longue', [{ field: 'query', message: `${MAX_QUERY_STRING} caractères au plus` }]);
    }
    // Validated by the DTO: both communes exist.
    const near = dto.near ? this.search.place(dto.near) : undefined;
    const servesCommune = dto.servesCommune ? this.search.place(dto.servesCommune) : undefined;
    const unique = <T>(values?: T[]) => (values?.length ? [...new Set(values)] : undefined);
    return {
      q: dto.q?.trim() || undefined,
      kinds: unique(dto.kinds),
      sectors: unique(dto.sectors),
      prestationTypes: unique(dto.prestationTypes),
      servesCommune,
      near,
      radiusKm: dto.radiusKm,
      departments: unique(dto.departments?.map(normaliseAreaCode)),
      regions: unique(dto.regions?.map(normaliseAreaCode)),
      openToCoContracting: dto.openToCoContracting,
      placeFromText: dto.placeFromText,
      // Asking for COMPANY by kind means wanting them: the inclusive-only default would answer nothing.
      inclusiveOnly: dto.inclusiveOnly ?? !dto.kinds?.includes('COMPANY'),
      minAnnualRevenueEur: dto.minAnnualRevenueEur,
      sort: dto.sort ?? 'relevance',
      page: dto.page ?? 1,
      perPage: dto.perPage ?? DEFAULT_PER_PAGE,
      facets: unique(dto.facets) ?? [],
    };
  }
}
