import { Module } from '@nestjs/common';
import { ClaimsService } from './claims.service';
import { StructuresService } from './structures.service';

/** The supplier catalogue: structures (create, read, update, delist) and claims. Needs ReferenceModule (global). */
@Module({
  providers: [StructuresService, ClaimsService],
  exports: [StructuresService, ClaimsService],
})
export class CatalogueModule {}
