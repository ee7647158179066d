import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { badRequest, notFound } from '@app/common';
import { CommuneView, ReferenceService } from '@app/reference';
import { Public } from '../auth/auth.guard';
import { CommuneSearchQuery } from './reference.dto';

/** Reference data, public: the activity taxonomy, communes, CPV codes, departments and regions. */
@ApiTags('reference')
@Public()
@Controller('api/v1/reference')
export class ReferenceController {
  constructor(private readonly reference: ReferenceService) {}

  @Get('sectors')
  sectors() {
    return this.reference.sectors();
  }

  @Get('sector-groups')
  sectorGroups() {
    return this.reference.sectorGroups();
  }

  /** Name (accent-insensitive) or postcode prefix; exact name first, then by population. */
  @Get('communes')
  communes(@Query() query: CommuneSearchQuery) {
    const matches = this.reference.index.matchCommunes(query.q);
    const items = matches.slice((query.page - 1) * query.perPage, query.page * query.perPage).map(communeBody);
    return { total: matches.length, page: query.page, perPage: query.perPage, items };
  }

  @Get('communes/:code')
  commune(@Param('code') code: string) {
    const commune = this.reference.commune(code);
    if (!commune) throw notFound(`Commune inconnue : ${code}`);
    return communeBody(commune);
  }

  /** 8 digits, with or without the check digit ("45000000", "45000000-7"). */
  @Get('cpv/:code')
  cpv(@Param('code') code: string) {
    if (!/^\d{8}(-?\d)?$/.test(code)) throw badRequest('Code CPV invalide', [{ field: 'code', message: '8 chiffres, avec ou sans chiffre de contrôle' }]);
    const cpv = this.reference.cpv(code);
    if (!cpv) throw notFound(`Code CPV inconnu : ${code}`);
    return { code: cpv.code, label: cpv.label, sectors: cpv.sectors };
  }

  @Get('departments')
  departments() {
    return this.reference.departments();
  }

  @Get('regions')
  regions() {
    return this.reference.regions();
  }
}

/** Contract shape: `{ code, name, department, region, postCodes, population, location: { lat, lon } }`. */
function communeBody(commune: CommuneView) {
  return {
    code: commune.code,
    name: commune.name,
    department: commune.department,
    region: commune.region,
    postCodes: commune.postCodes,
    population: commune.population,
    location: commune.location,
  };
}
