// Home search and structure pages for buyers: the SearchService of libs/search and the catalogue's
// StructuresService, exactly as the JSON API uses them.
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ClaimsService, StructuresService } from '@app/catalogue';
import { INCLUSIVE_KINDS } from '@app/domain';
import { ReferenceService } from '@app/reference';
import { SearchAnswer, SearchService } from '@app/search';
import { ContractEvidenceService, StructureContractView, readableTitle } from '@app/tenders';
import { Public } from '../auth/auth.guard';
import { FormBody, queryString, text } from './forms';
import { PageRenderer, PageRequest, problemOf } from './page-renderer';
import {
  communeLabel,
  interventionAreaText,
  kindOptions,
  pagination,
  prestationOptions,
  sectorGroupsWithOptions,
  sectorLabel,
  sectorSelectOptions,
  cpvLabel,
} from './presenters';
import { SEARCH_PER_PAGE, SEARCH_RADII, parseSearchForm } from './search-form';

@ApiExcludeController()
@Controller()
export class SearchPages {
  constructor(
    private readonly pages: PageRenderer,
    private readonly search: SearchService,
    private readonly structures: StructuresService,
    private readonly reference: ReferenceService,
    private readonly evidence: ContractEvidenceService,
    private readonly claims: ClaimsService,
  ) {}

  @Public()
  @Get('recherche')
  async results(@Req() req: PageRequest, @Res() res: Response, @Query() input: FormBody) {
    const form = parseSearchForm(input, this.reference.index);
    let result: SearchAnswer | undefined;
    let pendingStructures = 0;
    if (form.query) [result, pendingStructures] = await Promise.all([this.search.search(form.query), this.search.pendingStructures()]);
    // Hits carry what the index has; badges need a few more fields of the structures themselves.
    const details = new Map((await this.structures.findByIds(result?.hits.map((h) => h.id) ?? [])).map((s) => [s.id, s]));
    const hits = (result?.hits ?? []).map((hit) => {
      const structure = details.get(hit.id);
      return {
        ...hit,
        inclusive: INCLUSIVE_KINDS.includes(hit.kind),
        openToCoContracting: structure?.openToCoContracting ?? false,
        description: structure?.description ?? null,
        sectorLabels: hit.sectors.slice(0, 4).map((code) => sectorLabel(this.reference.index, code)),
        moreSectors: Math.max(0, hit.sectors.length - 4),
      };
    });
    const facets = result?.facets ?? {};
    const title = form.values.q ? `Résultats pour « ${form.values.q} »` : 'Rechercher une structure';
    this.pages.render(
      req,
      res,
      'search/results.njk',
      {
        pageTitle: form.values.page > 1 ? `${title} – page ${form.values.page}` : title,
        searchTarget: 'q',
        resultsTarget: result ? 'resultats' : undefined,
        values: { ...form.values, commune: form.place ? communeLabel(form.place) : form.values.commune },
        place: form.place,
        errors: form.errors,
        result,
        pendingStructures,
        hits,
        kindOptions: kindOptions(facets.kind, form.values.includeCompanies),
        prestationOptions: prestationOptions(facets.prestationType),
        sectorOptions: sectorSelectOptions(this.reference.index, facets.sector),
        radiusOptions: [
          { value: '', label: 'Structures qui interviennent sur cette commune' },
          ...SEARCH_RADII.map((r) => ({ value: String(r), label: `Situées à moins de ${r} km` })),
        ],
        linkParams: form.linkParams,
        pager: result ? pagination(result.total, form.values.page, SEARCH_PER_PAGE) : undefined,
        exportCsv: `/api/v1/search/structures/export${queryString({ ...form.apiParams, format: 'csv' })}`,
        exportXlsx: `/api/v1/search/structures/export${queryString({ ...form.apiParams, format: 'xlsx' })}`,
      },
      form.errors.length ? 400 : 200,
    );
  }

  /** Suggestions for the place field (small script); the field also works typed by hand without it. */
  /** CPV suggestions for the tender form: codes chosen by the words of their label. */
  @Public()
  @Get('cpv.json')
  cpvSuggestions(@Query('q') q: unknown, @Res() res: Response) {
    const query = typeof q === 'string' ? q.slice(0, 100) : '';
    const found = this.reference.index.searchCpv(query, 15);
    res.set('Cache-Control', 'public, max-age=3600').json(found.map((c) => ({ code: c.code8, label: cpvLabel(c) })));
  }

  @Public()
  @Get('communes.json')
  communes(@Query('q') q: unknown, @Res() res: Response) {
    const query = typeof q === 'string' ? q.slice(0, 100) : '';
    const communes = query.trim().length >= 2 ? this.reference.searchCommunes(query, 10) : [];
    res.set('Cache-Control', 'public, max-age=3600').json(communes.map((c) => ({ code: c.code, label: communeLabel(c), postCodes: c.postCodes })));
  }

  /** Public contracts the structure won (DECP), from the tenders feature; none for delisted structures. */
  private async contractsWon(structureId: string) {
    let items: StructureContractView[] = [];
    try {
      items = (await this.evidence.contractsOf(structureId, { page: 1, perPage: 20 })).items;
    } catch (error) {
      if (problemOf(error)?.status === 404) return []; // delisted: the tenders feature no longer lists it
      throw error;
    }
    // The DECP lists some contracts twice (a record per holder or per modification): one line each.
    const seen = new Set<string>();
    const unique = items.filter((c) => {
      const key = [readableTitle(c.title).toLowerCase(), c.buyer?.name ?? '', c.notifiedOn?.slice(0, 4) ?? '', c.amountEur ?? ''].join('|');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return unique.map((c) => ({
      title: readableTitle(c.title),
      buyerName: c.buyer?.name ?? null,
      year: c.notifiedOn ? Number(c.notifiedOn.slice(0, 4)) : null,
      amountEur: c.amountEur,
      communeName: c.place.communeCode ? (this.reference.commune(c.place.communeCode)?.name ?? null) : c.place.department ? `département ${c.place.department}` : null,
      inGroup: c.coHolders.length > 0,
    }));
  }

  @Public()
  @Get('structures/:id')
  async structure(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    const structure = await this.structures.get(id, req.account);
    const [entity] = await this.structures.findByIds([structure.id]);
    const canEdit = !!req.account && (req.account.role === 'admin' || entity?.ownerId === req.account.id);
    // The caller's own claim on it, if any: pending ones show « revendication en cours » and what happens next.
    const myClaim = req.account && req.account.role !== 'admin' ? (await this.claims.list(req.account, structure.id)).at(-1) : undefined;
    // A structure someone else registered can be claimed too (its SIRET may have been squatted): an admin decides.
    const canClaim = !!req.account && ['supplier', 'company'].includes(req.account.role) && !canEdit && myClaim?.status !== 'pending';
    const sectorGroups = sectorGroupsWithOptions(this.reference.index)
      .map((group) => ({
        label: group.label,
        sectors: structure.sectorDetails.filter((s) => group.options.some((o) => o.value === s.code)),
      }))
      .filter((group) => group.sectors.length);
    this.pages.render(req, res, 'structures/show.njk', {
      pageTitle: structure.name,
      structure,
      inclusive: INCLUSIVE_KINDS.includes(structure.kind),
      areaText: interventionAreaText(structure.interventionArea, this.reference.index, structure.communeName),
      departmentName: structure.department ? this.reference.department(structure.department)?.name : undefined,
      sectorGroups,
      canEdit,
      canClaim,
      myClaim,
      // A register row nobody has claimed: its facts are the 2020 list's, the page says so and invites a claim.
      fromUnclaimedRegister: structure.source === 'register' && entity?.ownerId === null,
      contracts: await this.contractsWon(structure.id),
      backLink: safeBackLink(text(req.query as FormBody, 'retour')),
    });
  }
}

/** Back to the results the user came from (only a /recherche link). */
function safeBackLink(raw: string): string | undefined {
  return raw.startsWith('/recherche') && !raw.startsWith('//') && raw.length < 2000 ? raw : undefined;
}
