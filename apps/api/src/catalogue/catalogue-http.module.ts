import { Module } from '@nestjs/common';
import { CatalogueModule } from '@app/catalogue';
import { StructuresController } from './structures.controller';

@Module({ imports: [CatalogueModule], controllers: [StructuresController] })
export class CatalogueHttpModule {}
