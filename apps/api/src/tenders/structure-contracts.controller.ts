import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { badRequest, notFound } from '@app/common';
import { ContractEvidenceService, sectorsOfCpvCodes } from '@app/tenders';
import { ReferenceService } from '@app/reference';
import { Public } from '../auth/auth.guard';
import { StructureContractsQuery } from './tender.dto';

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** Public contracts a structure won (DECP imports), optionally only similar ones near a place. */
@ApiTags('structures')
@Controller('api/v1/structures')
export class StructureContractsController {
  constructor(
    private readonly evidence: ContractEvidenceService,
    private readonly reference: ReferenceService,
  ) {}

  @Public()
  @Get(':id/contracts')
  contracts(@Param('id') id: string, @Query() query: StructureContractsQuery) {
    if (!isUuid(id)) throw notFound('Structure introuvable');
    const errors: { field: string; message: string }[] = [];
    const commune = query.near !== undefined ? this.reference.commune(query.near) : undefined;
    if (query.near !== undefined && !commune) errors.push({ field: 'near', message: `commune inconnue : "${query.near}"` });
    const cpv = query.cpv !== undefined ? this.reference.cpv(query.cpv) : undefined;
    if (query.cpv !== undefined && !cpv) errors.push({ field: 'cpv', message: `code CPV inconnu : "${query.cpv}"` });
    if (errors.length) throw badRequest('Paramètres invalides', errors);
    return this.evidence.contractsOf(id, {
      near: commune?.location,
      radiusKm: query.radiusKm,
      sectors: cpv ? sectorsOfCpvCodes([cpv.code], this.reference) : undefined,
      cpvCodes: cpv ? [cpv.code] : undefined,
      page: query.page,
      perPage: query.perPage,
    });
  }
}
