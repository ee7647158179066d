import { Module } from '@nestjs/common';
import { MatchingModule } from '@app/matching';
import { MatchingController } from './matching.controller';
import { MatchingRunThrottle } from './matching-run-throttle';

@Module({ imports: [MatchingModule], controllers: [MatchingController], providers: [MatchingRunThrottle], exports: [MatchingRunThrottle] })
export class MatchingHttpModule {}
