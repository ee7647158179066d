import { Module } from '@nestjs/common';
import { BidsModule } from '@app/bids';
import { ClaimsService } from './claims.service';
import { StructuresService } from './structures.service';

/** The supplier catalogue: structures (create, read, update, delist) and claims. Needs ReferenceModule (global). */
@Module({
  imports: [BidsModule], // NotificationsService: claims tell the claimant, the current owner and the admins' decisions
  providers: [StructuresService, ClaimsService],
  exports: [StructuresService, ClaimsService],
})
export class CatalogueModule {}
