import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ClaimsService, StructureFields, StructurePatch, StructuresService } from '@app/catalogue';
import { unauthorized } from '@app/common';
import { Caller, Public, Roles } from '../auth/auth.guard';
import { PageQueryDto } from '../http/page-query.dto';
import type { CurrentAccount } from '../auth/auth.types';
import { ClaimDecisionDto, ClaimDto, ClaimsReviewQuery, CreateStructureDto, ListStructuresQuery, UpdateStructureDto } from './structure.dto';

@ApiTags('structures')
@ApiBearerAuth()
@Controller('api/v1/structures')
export class StructuresController {
  constructor(
    private readonly structures: StructuresService,
    private readonly claims: ClaimsService,
  ) {}

  /** The caller becomes the owner; source "self". */
  @Post()
  @Roles('supplier', 'company')
  create(@Caller() caller: CurrentAccount, @Body() dto: CreateStructureDto) {
    // The DTO validated the area per type, so its loose class matches the domain union.
    return this.structures.create(caller, dto as StructureFields);
  }

  /** `?siret=` (public lookup, delisted included) or `?mine=true` (the caller's structures). */
  @Public()
  @Get()
  list(@Query() query: ListStructuresQuery, @Caller() caller?: CurrentAccount) {
    if (query.mine && !caller) throw unauthorized('Connectez-vous pour voir vos structures');
    return this.structures.list(query, caller);
  }

  /** The caller's structures and claims (pending ones with what happens next): `{ total, page, perPage, items, claims }`. */
  @Get('mine')
  async mine(@Caller() caller: CurrentAccount, @Query() query: PageQueryDto) {
    const [page, claims] = await Promise.all([this.structures.list({ mine: true, page: query.page, perPage: query.perPage }, caller), this.claims.mine(caller)]);
    return { ...page, claims };
  }

  @Public()
  @Get(':id')
  get(@Param('id') id: string, @Caller() caller?: CurrentAccount) {
    return this.structures.get(id, caller);
  }

  @Patch(':id')
  update(@Caller() caller: CurrentAccount, @Param('id') id: string, @Body() dto: UpdateStructureDto) {
    return this.structures.update(caller, id, dto as StructurePatch);
  }

  /** Delists (kept in the database, out of search and matching); answers the structure with `delistedAt`. */
  @Delete(':id')
  @HttpCode(200)
  delist(@Caller() caller: CurrentAccount, @Param('id') id: string) {
    return this.structures.delist(caller, id);
  }

  /**
   * A supplier or company asks to own a structure: one nobody owns (register import), or one someone else
   * registered with its SIRET (contested: that owner is told). An admin reviews it.
   */
  @Post(':id/claims')
  @Roles('supplier', 'company')
  claim(@Caller() caller: CurrentAccount, @Param('id') id: string, @Body() dto: ClaimDto) {
    return this.claims.request(caller, id, dto.message);
  }

  @Get(':id/claims')
  listClaims(@Caller() caller: CurrentAccount, @Param('id') id: string) {
    return this.claims.list(caller, id);
  }

  @Post(':id/claims/:claimId/approve')
  @Roles('admin')
  @HttpCode(200)
  approve(@Caller() caller: CurrentAccount, @Param('id') id: string, @Param('claimId') claimId: string, @Body() dto: ClaimDecisionDto) {
    return this.claims.approve(caller, id, claimId, dto.reason);
  }

  @Post(':id/claims/:claimId/reject')
  @Roles('admin')
  @HttpCode(200)
  reject(@Caller() caller: CurrentAccount, @Param('id') id: string, @Param('claimId') claimId: string, @Body() dto: ClaimDecisionDto) {
    return this.claims.reject(caller, id, claimId, dto.reason);
  }

  /** An admin confirms a declared structure: its kind then counts for reserved lots. */
  @Post(':id/verify')
  @Roles('admin')
  @HttpCode(200)
  verify(@Caller() caller: CurrentAccount, @Param('id') id: string) {
    return this.structures.verify(caller, id);
  }
}

/** The admins' review queue of claims, across structures. */
@ApiTags('structures')
@ApiBearerAuth()
@Controller('api/v1/claims')
export class ClaimsReviewController {
  constructor(private readonly claims: ClaimsService) {}

  @Get()
  @Roles('admin')
  async list(@Caller() caller: CurrentAccount, @Query() query: ClaimsReviewQuery) {
    const items = await this.claims.forReview(caller, query.status ?? 'pending');
    return { total: items.length, items };
  }
}
