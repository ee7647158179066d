// The account's notifications (invitations, answers, changes, submissions of its groupements), marked as
// read one by one or all at once; and the unread count every page shows in its header.
import { CallHandler, Controller, ExecutionContext, Get, Injectable, NestInterceptor, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { from, switchMap, type Observable } from 'rxjs';
import { NotificationsService } from '@app/bids';
import { FormBody, safeNextPath, text } from './forms';
import { CsrfGuard, PageRenderer, PageRequest, wantsHtmlPage } from './page-renderer';
import { boundedInt, pagination } from './presenters';

const PER_PAGE = 20;

@ApiExcludeController()
@Controller('notifications')
@UseGuards(CsrfGuard)
export class NotificationsPages {
  constructor(
    private readonly pages: PageRenderer,
    private readonly notifications: NotificationsService,
  ) {}

  @Get()
  async list(@Req() req: PageRequest, @Res() res: Response, @Query() query: FormBody) {
    const page = boundedInt(text(query, 'page'), 1, 1, 10_000);
    const result = await this.notifications.list(req.account!, { page, perPage: PER_PAGE });
    this.pages.render(req, res, 'notifications/list.njk', {
      pageTitle: page > 1 ? `Notifications – page ${page}` : 'Notifications',
      result,
      unreadNotifications: result.unread,
      pager: pagination(result.total, page, PER_PAGE),
      linkParams: {},
    });
  }

  @Post('tout-lire')
  async readAll(@Req() req: PageRequest, @Res() res: Response) {
    const { updated } = await this.notifications.markAllRead(req.account!);
    this.pages.redirect(res, '/notifications', { type: 'success', message: updated ? `${updated} notification(s) marquée(s) comme lue(s).` : 'Aucune notification non lue.' });
  }

  /** Marks one as read; with `next`, goes on to the page it tells about (the bid). */
  @Post(':id/lue')
  async read(@Req() req: PageRequest, @Res() res: Response, @Param('id') id: string) {
    await this.notifications.markRead(req.account!, id);
    const body = req.body as FormBody | undefined;
    const next = safeNextPath(text(body, 'next'), '');
    if (next) return this.pages.redirect(res, next);
    this.pages.redirect(res, '/notifications', { type: 'success', message: 'Notification marquée comme lue.' });
  }
}

/**
 * Puts the account's unread count on the request before a page renders (GET pages only: the API, assets
 * and form posts are left alone), for the header's "Notifications" link.
 */
@Injectable()
export class UnreadNotificationsInterceptor implements NestInterceptor {
  constructor(private readonly notifications: NotificationsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<PageRequest>();
    if (!req.account || req.method !== 'GET' || !wantsHtmlPage(req)) return next.handle();
    return from(
      this.notifications
        .unreadCount(req.account)
        .then((count) => (req.unreadNotifications = count))
        .catch(() => undefined),
    ).pipe(switchMap(() => next.handle()));
  }
}
