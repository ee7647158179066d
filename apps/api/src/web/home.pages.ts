import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.guard';
import { PageRenderer, PageRequest } from './page-renderer';

@ApiExcludeController()
@Controller()
export class HomePages {
  constructor(private readonly pages: PageRenderer) {}

  @Public()
  @Get()
  home(@Req() req: PageRequest, @Res() res: Response) {
    this.pages.render(req, res, 'home.njk', { pageTitle: 'Accueil' });
  }
}
