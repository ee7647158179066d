import { Module } from '@nestjs/common';
import { SearchModule } from '@app/search';
import { SearchController } from './search.controller';

/** Buyer search over HTTP (issue 3). */
@Module({ imports: [SearchModule], controllers: [SearchController] })
export class SearchHttpModule {}
