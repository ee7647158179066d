import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { badRequest } from '@app/common';
import { CandidatesService, TendersService, type TenderInput, type TenderPatch } from '@app/tenders';
import { Caller, Public, Roles } from '../auth/auth.guard';
import type { CurrentAccount } from '../auth/auth.types';
import { CandidatesQuery, CreateTenderDto, ListTendersQuery, UpdateTenderDto } from './tender.dto';

@ApiTags('tenders')
@ApiBearerAuth()
@Controller('api/v1/tenders')
export class TendersController {
  constructor(
    private readonly tenders: TendersService,
    private readonly candidates: CandidatesService,
  ) {}

  /** A draft owned by the caller (buyers and admins). */
  @Post()
  @Roles('buyer')
  create(@Caller() caller: CurrentAccount, @Body() dto: CreateTenderDto) {
    return this.tenders.create(dto as TenderInput, caller);
  }

  /** Published and closed tenders for everyone; drafts only for their owner (`mine=true`: the caller's). */
  @Public()
  @Get()
  list(@Query() query: ListTendersQuery, @Caller() caller?: CurrentAccount) {
    return this.tenders.list(query, caller);
  }

  @Public()
  @Get(':id')
  get(@Param('id') id: string, @Caller() caller?: CurrentAccount) {
    return this.tenders.get(id, caller);
  }

  @Patch(':id')
  update(@Caller() caller: CurrentAccount, @Param('id') id: string, @Body() dto: UpdateTenderDto) {
    return this.tenders.update(id, dto as TenderPatch, caller);
  }

  @Post(':id/publish')
  @HttpCode(200)
  publish(@Caller() caller: CurrentAccount, @Param('id') id: string) {
    return this.tenders.publish(id, caller);
  }

  @Post(':id/close')
  @HttpCode(200)
  close(@Caller() caller: CurrentAccount, @Param('id') id: string) {
    return this.tenders.close(id, caller);
  }

  /** Structures able to answer the lot, best first, with reasons (contract "Tenders"). */
  @Public()
  @Get(':id/lots/:number/candidates')
  async candidatesOf(
    @Param('id') id: string,
    @Param('number', new ParseIntPipe({ exceptionFactory: () => badRequest('Numéro de lot invalide', [{ field: 'number', message: 'doit être un nombre entier' }]) }))
    lotNumber: number,
    @Query() query: CandidatesQuery,
    @Caller() caller?: CurrentAccount,
  ) {
    const started = Date.now();
    const { total, items } = await this.candidates.pageForLot(
      id,
      lotNumber,
      { offset: (query.page - 1) * query.perPage, limit: query.perPage },
      { includeCompanies: query.includeCompanies ?? false, includeDemo: query.includeDemo ?? false },
      caller,
    );
    return {
      total,
      page: query.page,
      perPage: query.perPage,
      tookMs: Date.now() - started,
      items: items.map((c) => ({
        structure: c.structure,
        score: c.score,
        scoreBreakdown: c.scoreBreakdown,
        distanceKm: c.distanceKm,
        reasons: c.reasons,
        eligibleForReservation: c.eligibleForReservation,
        eligibility: c.eligibility,
        pastContracts: c.pastContracts,
      })),
    };
  }
}
