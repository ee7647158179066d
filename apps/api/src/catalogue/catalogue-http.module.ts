import { Module } from '@nestjs/common';
import { CatalogueModule } from '@app/catalogue';
import { ClaimsReviewController, StructuresController } from './structures.controller';

@Module({ imports: [CatalogueModule], controllers: [StructuresController, ClaimsReviewController] })
export class CatalogueHttpModule {}
