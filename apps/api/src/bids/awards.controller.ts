// Awards and the insertion-hours follow-up (issue 16): the buyer awards a lot of a closed tender, the holder
// (or mandataire) declares hours per quarter and member, readers compare declared with required.
import { Body, Controller, Get, Header, Param, ParseIntPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AwardsService } from '@app/bids';
import { badRequest } from '@app/common';
import { Caller, Roles } from '../auth/auth.guard';
import { PageQueryDto } from '../http/page-query.dto';
import type { CurrentAccount } from '../auth/auth.types';
import { AwardDto, DeclarationDto, FacilitatorDto } from './award.dto';
import { awardCsv, awardCsvName } from './award-export';

const lotNumberPipe = new ParseIntPipe({ exceptionFactory: () => badRequest('Numéro de lot invalide', [{ field: 'number', message: 'doit être un nombre entier' }]) });

@ApiTags('awards')
@ApiBearerAuth()
@Controller('api/v1')
export class AwardsController {
  constructor(private readonly awards: AwardsService) {}

  /** Awards a lot of a closed tender with insertion hours → 201, its follow-up (the tender's buyer). */
  @Post('tenders/:id/lots/:number/award')
  @Roles('buyer', 'admin')
  award(@Param('id') id: string, @Param('number', lotNumberPipe) lotNumber: number, @Body() dto: AwardDto, @Caller() caller: CurrentAccount) {
    return this.awards.award(id, lotNumber, dto, caller);
  }

  /** The awards the caller follows (buyer, facilitator, member). */
  @Get('awards')
  list(@Query() query: PageQueryDto, @Caller() caller: CurrentAccount) {
    return this.awards.list(caller, query);
  }

  @Get('awards/:id')
  get(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.awards.get(id, caller);
  }

  /** Declared against required, per quarter, as CSV. */
  @Get('awards/:id/hours.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async csv(@Param('id') id: string, @Caller() caller: CurrentAccount, @Res() res: Response) {
    const view = await this.awards.get(id, caller);
    res.setHeader('Content-Disposition', `attachment; filename="${awardCsvName(view)}"`);
    res.send(awardCsv(view));
  }

  /** A quarter's hours, per member (the holder's or mandataire's owner); a correction is a new declaration. */
  @Post('awards/:id/declarations')
  declare(@Param('id') id: string, @Body() dto: DeclarationDto, @Caller() caller: CurrentAccount) {
    return this.awards.declare(id, dto, caller);
  }

  /** Names or removes the facilitator (the tender's buyer). */
  @Patch('awards/:id')
  setFacilitator(@Param('id') id: string, @Body() dto: FacilitatorDto, @Caller() caller: CurrentAccount) {
    return this.awards.setFacilitator(id, dto.facilitatorEmail, caller);
  }
}
