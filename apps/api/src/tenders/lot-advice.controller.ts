// Reserve, clause or nothing: the advice per lot, for the tender's buyer (drafts included), and its
// one-click application to a draft (issue 16).
import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { badRequest } from '@app/common';
import type { LotAdvice } from '@app/domain';
import { APPLICABLE_OPTIONS, LotAdviceService } from '@app/tenders';
import { Caller } from '../auth/auth.guard';
import type { CurrentAccount } from '../auth/auth.types';

export class ApplyAdviceDto {
  @ApiProperty({ enum: APPLICABLE_OPTIONS })
  @IsIn(APPLICABLE_OPTIONS, { message: `doit valoir ${APPLICABLE_OPTIONS.join(', ')}` })
  option: string;
}

const lotNumberPipe = new ParseIntPipe({ exceptionFactory: () => badRequest('Numéro de lot invalide', [{ field: 'number', message: 'doit être un nombre entier' }]) });

/** The public shape (contract of issue 16), with the extra evidence the page shows. */
export function adviceResponse(advice: LotAdvice) {
  return {
    recommendation: advice.recommendation,
    alternatives: advice.alternatives,
    evidence: advice.evidence,
    insertionHours: advice.insertionHours,
    reasons: advice.reasons,
    articles: advice.articles,
  };
}

@ApiTags('tenders')
@ApiBearerAuth()
@Controller('api/v1/tenders')
export class LotAdviceController {
  constructor(private readonly advice: LotAdviceService) {}

  /** Reserve, clause, award criterion or nothing, with the evidence and the reasons (the tender's buyer only). */
  @Get(':id/lots/:number/advice')
  async adviceOf(@Caller() caller: CurrentAccount, @Param('id') id: string, @Param('number', lotNumberPipe) lotNumber: number) {
    return adviceResponse(await this.advice.forLot(id, lotNumber, caller));
  }

  /** Sets the lot's reservation or clause as the chosen option says (owner, while draft). */
  @Post(':id/lots/:number/advice/apply')
  @HttpCode(200)
  apply(@Caller() caller: CurrentAccount, @Param('id') id: string, @Param('number', lotNumberPipe) lotNumber: number, @Body() dto: ApplyAdviceDto) {
    return this.advice.apply(id, lotNumber, dto.option, caller);
  }
}
