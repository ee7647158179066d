import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BidsService } from '@app/bids';
import { Caller, Roles } from '../auth/auth.guard';
import type { CurrentAccount } from '../auth/auth.types';
import { CreateBidDto, InvitationDto, ListBidsQueryDto, SubstitutionDecisionDto, SubstitutionDto, UpdateBidDto } from './bid.dto';

@ApiTags('bids')
@ApiBearerAuth()
@Controller('api/v1/bids')
export class BidsController {
  constructor(private readonly bids: BidsService) {}

  /** A groupement led by a structure the caller owns, from scratch or from a proposal → 201 `forming`. */
  @Post()
  @Roles('company', 'supplier')
  create(@Body() dto: CreateBidDto, @Caller() caller: CurrentAccount) {
    return this.bids.create(dto, caller);
  }

  /** "Mes groupements": bids of the caller's structures, and bids on the caller's tenders. */
  @Get()
  list(@Query() query: ListBidsQueryDto, @Caller() caller: CurrentAccount) {
    return this.bids.list(caller, query);
  }

  @Get(':id')
  get(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.bids.get(id, caller);
  }

  /** Lead only, while forming. */
  @Patch(':id')
  update(@Param('id') id: string, @Body() dto: UpdateBidDto, @Caller() caller: CurrentAccount) {
    return this.bids.update(id, dto, caller);
  }

  @Post(':id/invitations')
  @HttpCode(201)
  invite(@Param('id') id: string, @Body() dto: InvitationDto, @Caller() caller: CurrentAccount) {
    return this.bids.invite(id, dto.structureId, caller, dto.email);
  }

  /** By the invited structure's owner only. */
  @Post(':id/members/:structureId/accept')
  @HttpCode(200)
  accept(@Param('id') id: string, @Param('structureId') structureId: string, @Caller() caller: CurrentAccount) {
    return this.bids.accept(id, structureId, caller);
  }

  @Post(':id/members/:structureId/decline')
  @HttpCode(200)
  decline(@Param('id') id: string, @Param('structureId') structureId: string, @Caller() caller: CurrentAccount) {
    return this.bids.decline(id, structureId, caller);
  }

  /** The lead withdraws an invitation or removes a member (not itself), while forming. */
  @Delete(':id/members/:structureId')
  remove(@Param('id') id: string, @Param('structureId') structureId: string, @Caller() caller: CurrentAccount) {
    return this.bids.removeMember(id, structureId, caller);
  }

  /** The submission checks without submitting: `{ violations, warnings }`. */
  @Get(':id/check')
  check(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.bids.check(id, caller);
  }

  /** 200 submitted (with warnings) · 422 `violations: [{ rule, message }]` · 409 already submitted (V9). */
  @Post(':id/submit')
  @HttpCode(200)
  submit(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.bids.submit(id, caller);
  }

  /**
   * V9: the only change after submission. The lead asks → 201 `pending`; it applies once the incoming
   * structure's owner accepted and the tender's buyer authorised it.
   */
  @Post(':id/substitutions')
  @HttpCode(201)
  requestSubstitution(@Param('id') id: string, @Body() dto: SubstitutionDto, @Caller() caller: CurrentAccount) {
    return this.bids.requestSubstitution(id, dto, caller);
  }

  @Get(':id/substitutions')
  listSubstitutions(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.bids.listSubstitutions(id, caller);
  }

  /** By the incoming structure's owner only. */
  @Post(':id/substitutions/:substitutionId/accept')
  @HttpCode(200)
  acceptSubstitution(@Param('id') id: string, @Param('substitutionId') substitutionId: string, @Caller() caller: CurrentAccount) {
    return this.bids.answerSubstitution(id, substitutionId, 'accepted', caller);
  }

  @Post(':id/substitutions/:substitutionId/decline')
  @HttpCode(200)
  declineSubstitution(@Param('id') id: string, @Param('substitutionId') substitutionId: string, @Caller() caller: CurrentAccount) {
    return this.bids.answerSubstitution(id, substitutionId, 'declined', caller);
  }

  /** By the tender's buyer only. */
  @Post(':id/substitutions/:substitutionId/authorise')
  @HttpCode(200)
  authoriseSubstitution(@Param('id') id: string, @Param('substitutionId') substitutionId: string, @Body() dto: SubstitutionDecisionDto, @Caller() caller: CurrentAccount) {
    return this.bids.decideAsBuyer(id, substitutionId, 'authorised', caller, dto.reason);
  }

  @Post(':id/substitutions/:substitutionId/refuse')
  @HttpCode(200)
  refuseSubstitution(@Param('id') id: string, @Param('substitutionId') substitutionId: string, @Body() dto: SubstitutionDecisionDto, @Caller() caller: CurrentAccount) {
    return this.bids.decideAsBuyer(id, substitutionId, 'refused', caller, dto.reason);
  }

  @Get(':id/history')
  history(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.bids.history(id, caller);
  }

  /** The groupement summary: members, roles, form, split of work and amounts, insertion hours. */
  @Get(':id/summary')
  summary(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.bids.summary(id, caller);
  }
}
