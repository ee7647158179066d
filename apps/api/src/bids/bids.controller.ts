import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BidsService } from '@app/bids';
import { Caller, Roles } from '../auth/auth.guard';
import type { CurrentAccount } from '../auth/auth.types';
import { CreateBidDto, InvitationDto, ListBidsQueryDto, SubstitutionDto, UpdateBidDto } from './bid.dto';

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

  /** V9: the only change after submission, authorised by the buyer and recorded. */
  @Post(':id/substitutions')
  @HttpCode(201)
  substitute(@Param('id') id: string, @Body() dto: SubstitutionDto, @Caller() caller: CurrentAccount) {
    return this.bids.substitute(id, dto, caller);
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
