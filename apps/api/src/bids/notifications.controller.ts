import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { NotificationsService } from '@app/bids';
import { Caller } from '../auth/auth.guard';
import type { CurrentAccount } from '../auth/auth.types';
import { ListNotificationsQueryDto } from './bid.dto';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  /** The caller's notifications, newest first, with the unread count. */
  @Get()
  list(@Query() query: ListNotificationsQueryDto, @Caller() caller: CurrentAccount) {
    return this.notifications.list(caller, query);
  }

  @Post('read-all')
  @HttpCode(200)
  readAll(@Caller() caller: CurrentAccount) {
    return this.notifications.markAllRead(caller);
  }

  @Post(':id/read')
  @HttpCode(200)
  read(@Param('id') id: string, @Caller() caller: CurrentAccount) {
    return this.notifications.markRead(caller, id);
  }
}
