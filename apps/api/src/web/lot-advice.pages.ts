// The advice per lot on the tender page (its buyer only) and its one-click application to a draft. The
// page's markup is the partial tenders/lot-advice.njk, included beside each lot.
import { Body, Controller, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { badRequest } from '@app/common';
import { adviceOptionLabel, type AdviceOption, type LotAdvice, type OptionAssessment } from '@app/domain';
import { APPLICABLE_OPTIONS, LotAdviceService, type LotView, type TenderView } from '@app/tenders';
import { text, type FormBody } from './forms';
import { CsrfGuard, PageRenderer, type PageRequest } from './page-renderer';

export interface LotAdviceView {
  recommendation: AdviceOption;
  label: string;
  reasons: string[];
  articles: string[];
  evidence: LotAdvice['evidence'];
  insertionHours: LotAdvice['insertionHours'];
  /** Every option, the recommended one first: whether allowed, already set on the lot, and why. */
  options: (OptionAssessment & { applied: boolean; applicable: boolean })[];
}

/** Whether the lot already carries what the option would set. */
function isApplied(option: AdviceOption, lot: LotView): boolean {
  switch (option) {
    case 'reserve_siae':
      return lot.reservation === 'L2113-13' || lot.reservation === 'L2113-14';
    case 'reserve_disability':
      return lot.reservation === 'L2113-12' || lot.reservation === 'L2113-14';
    case 'social_clause':
      return lot.socialClause?.type === 'EXECUTION_CONDITION';
    case 'award_criterion':
      return lot.socialClause?.type === 'AWARD_CRITERION';
    default:
      return false;
  }
}

/** The advice of a lot as the partial shows it. */
export function lotAdviceView(advice: LotAdvice, lot: LotView): LotAdviceView {
  return {
    recommendation: advice.recommendation,
    label: adviceOptionLabel(advice.recommendation),
    reasons: advice.reasons,
    articles: advice.articles,
    evidence: advice.evidence,
    insertionHours: advice.insertionHours,
    options: [advice.assessment, ...advice.alternatives]
      .filter((a) => a.option !== 'none')
      .map((a) => ({ ...a, applied: isApplied(a.option, lot), applicable: APPLICABLE_OPTIONS.includes(a.option) })),
  };
}

/** Advice of every lot of a tender, keyed by lot number, for its owner; empty for anyone else. */
export async function lotAdviceViews(service: LotAdviceService, tender: TenderView, req: PageRequest, isOwner: boolean): Promise<Record<number, LotAdviceView>> {
  if (!isOwner || !req.account || tender.source !== 'manual' || !tender.executionPlace.location) return {};
  const advice = await service.forTender(tender.id, req.account);
  const out: Record<number, LotAdviceView> = {};
  for (const lot of tender.lots) {
    const one = advice.get(lot.number);
    if (one) out[lot.number] = lotAdviceView(one, lot);
  }
  return out;
}

@ApiExcludeController()
@Controller('appels-d-offres')
@UseGuards(CsrfGuard)
export class LotAdvicePages {
  constructor(
    private readonly pages: PageRenderer,
    private readonly advice: LotAdviceService,
  ) {}

  @Post(':id/lots/:number/conseil')
  async apply(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string, @Param('number') numberParam: string, @Body() body: FormBody) {
    if (!/^\d{1,3}$/.test(numberParam)) throw badRequest('Ce lot n’existe pas', [{ field: 'number', message: 'doit être un nombre entier' }]);
    const option = text(body, 'option');
    const tender = await this.advice.apply(id, Number(numberParam), option, req.account!);
    this.pages.redirect(res, `/appels-d-offres/${tender.id}#lot-${numberParam}-title`, {
      type: 'success',
      message: `Lot ${numberParam} : « ${adviceOptionLabel(option as AdviceOption)} » est appliqué au brouillon.`,
    });
  }
}
