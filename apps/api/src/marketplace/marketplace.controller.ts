// The marketplace loop's API (issue 15): interests and the partner board of a tender, contacts, alert
// profiles, favourite lists. Thin: the services in libs/marketplace do the work.
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AlertsService, FavouriteListsService, InterestsService, PartnerBoardService } from '@app/marketplace';
import { Caller } from '../auth/auth.guard';
import type { CurrentAccount } from '../auth/auth.types';
import { csvField } from '../search/export-writer';
import {
  AlertProfileDto,
  CandidateAlertsDto,
  FavouriteItemDto,
  FavouriteListDto,
  InterestDto,
  InterestsQueryDto,
  PartnerContactDto,
  PartnerRequestDto,
  ShareListDto,
} from './marketplace.dto';

/** A small CSV (hundreds of rows at most), with a BOM so spreadsheets read the accents. */
export function sendCsv(response: Response, filename: string, header: string[], rows: (string | number | null)[][]): void {
  response.status(200);
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  response.setHeader('Cache-Control', 'no-store');
  response.end(`\uFEFF${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`);
}

const STATUS_LABELS = { interested: 'intéressé', not_interested: 'pas intéressé' } as const;

@ApiTags('marketplace')
@ApiBearerAuth()
@Controller('api/v1')
export class MarketplaceController {
  constructor(
    private readonly interests: InterestsService,
    private readonly board: PartnerBoardService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** « Intéressé » / « pas intéressé », by the structure's owner; the same call changes the answer until the deadline. */
  @Post('tenders/:id/interests')
  @HttpCode(200)
  answer(@Param('id') id: string, @Body() dto: InterestDto, @Caller() caller: CurrentAccount) {
    return this.interests.answer(id, dto, caller);
  }

  /** Counts and answers, for the tender's buyer only. */
  @Get('tenders/:id/interests')
  listInterests(@Param('id') id: string, @Query() query: InterestsQueryDto, @Caller() caller: CurrentAccount) {
    return this.interests.list(id, caller, query.status);
  }

  @Get('tenders/:id/interests/export')
  async exportInterests(@Param('id') id: string, @Query() query: InterestsQueryDto, @Caller() caller: CurrentAccount, @Res() response: Response) {
    const { items } = await this.interests.list(id, caller, query.status);
    sendCsv(
      response,
      `reponses-${id.slice(0, 8)}.csv`,
      ['Structure', 'SIRET', 'Type', 'Département', 'Réponse', 'Lots', 'Raison', 'Contact', 'Répondu le', 'Fiche'],
      items.map((i) => [
        i.structure.name,
        i.structure.siret,
        i.structure.kind,
        i.structure.department,
        STATUS_LABELS[i.status],
        i.lots.join(' | '),
        i.reason,
        i.structure.contactEmail,
        i.updatedAt.slice(0, 10),
        `${this.config.publicUrl}/structures/${i.structure.id}`,
      ]),
    );
  }

  /** The caller's own answers on the tender. */
  @Get('tenders/:id/interests/mine')
  myInterests(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.interests.mine(id, caller);
  }

  @Post('tenders/:id/partner-requests')
  createPartnerRequest(@Param('id') id: string, @Body() dto: PartnerRequestDto, @Caller() caller: CurrentAccount) {
    return this.board.create(id, dto, caller);
  }

  /** Open requests (and the caller's own), without the author's identity until the author accepts the caller's contact. */
  @Get('tenders/:id/partner-requests')
  listPartnerRequests(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.board.list(id, caller);
  }

  @Get('partner-requests/:id')
  partnerRequest(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.board.get(id, caller);
  }

  @Post('partner-requests/:id/close')
  @HttpCode(200)
  closePartnerRequest(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.board.close(id, caller);
  }

  @Post('partner-requests/:id/contacts')
  askContact(@Param('id') id: string, @Body() dto: PartnerContactDto, @Caller() caller: CurrentAccount) {
    return this.board.askContact(id, dto, caller);
  }

  @Post('partner-contacts/:id/accept')
  @HttpCode(200)
  acceptContact(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.board.answerContact(id, 'accepted', caller);
  }

  @Post('partner-contacts/:id/decline')
  @HttpCode(200)
  declineContact(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.board.answerContact(id, 'declined', caller);
  }

  /** A bid workspace from an accepted contact: the caller's structure leads, the other is invited. */
  @Post('partner-contacts/:id/bid')
  startBid(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.board.startBid(id, caller);
  }
}

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/v1/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Post()
  create(@Body() dto: AlertProfileDto, @Caller() caller: CurrentAccount) {
    return this.alerts.create(caller, dto);
  }

  /** The caller's saved searches, and whether publication alerts for their structures are on. */
  @Get()
  list(@Caller() caller: CurrentAccount) {
    return this.alerts.list(caller);
  }

  @Put('candidate-alerts')
  candidateAlerts(@Body() dto: CandidateAlertsDto, @Caller() caller: CurrentAccount) {
    return this.alerts.setCandidateAlerts(caller, dto.enabled);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    await this.alerts.remove(caller, id);
  }
}

@ApiTags('favourite-lists')
@ApiBearerAuth()
@Controller('api/v1/favourite-lists')
export class FavouriteListsController {
  constructor(
    private readonly lists: FavouriteListsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  create(@Body() dto: FavouriteListDto, @Caller() caller: CurrentAccount) {
    return this.lists.create(caller, dto.name);
  }

  @Get()
  list(@Caller() caller: CurrentAccount) {
    return this.lists.list(caller);
  }

  @Get(':id')
  get(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.lists.get(caller, id);
  }

  @Patch(':id')
  rename(@Param('id') id: string, @Body() dto: FavouriteListDto, @Caller() caller: CurrentAccount) {
    return this.lists.rename(caller, id, dto.name);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    await this.lists.remove(caller, id);
  }

  @Post(':id/items')
  addItem(@Param('id') id: string, @Body() dto: FavouriteItemDto, @Caller() caller: CurrentAccount) {
    return this.lists.addItem(caller, id, dto);
  }

  @Delete(':id/items/:structureId')
  removeItem(@Param('id') id: string, @Param('structureId') structureId: string, @Caller() caller: CurrentAccount) {
    return this.lists.removeItem(caller, id, structureId);
  }

  /** Sends the list (its structures and their addresses) by e-mail. */
  @Post(':id/share')
  @HttpCode(200)
  share(@Param('id') id: string, @Body() dto: ShareListDto, @Caller() caller: CurrentAccount) {
    return this.lists.share(caller, id, dto, this.config.publicUrl);
  }

  @Get(':id/export')
  async export(@Param('id') id: string, @Caller() caller: CurrentAccount, @Res() response: Response) {
    const list = await this.lists.get(caller, id);
    sendCsv(
      response,
      `liste-${id.slice(0, 8)}.csv`,
      ['Structure', 'SIRET', 'Type', 'Département', 'Code commune', 'Secteurs', 'Contact', 'Note', 'Ajoutée le', 'Fiche'],
      list.items.map((i) => [
        i.structure.name,
        i.structure.siret,
        i.structure.kind,
        i.structure.department,
        i.structure.communeCode,
        i.structure.sectors.join(' | '),
        i.structure.contactEmail,
        i.note,
        i.addedAt.slice(0, 10),
        `${this.config.publicUrl}/structures/${i.structure.id}`,
      ]),
    );
  }
}
