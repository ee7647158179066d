import { Module } from '@nestjs/common';
import { MatchingModule } from '@app/matching';
import { MatchingController } from './matching.controller';

@Module({ imports: [MatchingModule], controllers: [MatchingController] })
export class MatchingHttpModule {}
