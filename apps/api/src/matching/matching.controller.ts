import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { MatchingRunsService } from '@app/matching';
import { MatchingRunThrottle } from './matching-run-throttle';
import { Caller } from '../auth/auth.guard';
import type { CurrentAccount } from '../auth/auth.types';
import { CreateMatchingRunDto, ListMatchingRunsQuery } from './matching.dto';

@ApiTags('matching')
@ApiBearerAuth()
@Controller('api/v1')
export class MatchingController {
  constructor(
    private readonly runs: MatchingRunsService,
    private readonly throttle: MatchingRunThrottle,
  ) {}

  /** Any authenticated account, throttled per account (runs cost worker time); the work runs in the worker → 202 `{ id, status: "queued" }`. */
  @Post('tenders/:id/matching-runs')
  @HttpCode(202)
  async create(@Param('id') tenderId: string, @Body() dto: CreateMatchingRunDto, @Caller() caller: CurrentAccount) {
    await this.throttle.take(caller.id);
    return this.runs.create(tenderId, caller, dto);
  }

  @Get('tenders/:id/matching-runs')
  list(@Param('id') tenderId: string, @Query() query: ListMatchingRunsQuery, @Caller() caller: CurrentAccount) {
    return this.runs.list(tenderId, caller, query);
  }

  @Get('matching-runs/:id')
  get(@Param('id') runId: string, @Caller() caller: CurrentAccount) {
    return this.runs.get(runId, caller);
  }
}
