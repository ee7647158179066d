// The bid workspace pages (issue 6). Until libs/bids lands, "Mes groupements" explains where groupings
// come from; the bid pages will call the bids feature's service once it exists.
import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CsrfGuard, PageRenderer, PageRequest } from './page-renderer';

@ApiExcludeController()
@Controller()
@UseGuards(CsrfGuard)
export class BidsPages {
  constructor(private readonly pages: PageRenderer) {}

  @Get('mes-groupements')
  mine(@Req() req: PageRequest, @Res() res: Response) {
    this.pages.render(req, res, 'bids/mine.njk', { pageTitle: 'Mes groupements', bids: [] });
  }
}
