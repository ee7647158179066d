import { Module } from '@nestjs/common';
import { ReferenceModule } from '@app/reference';
import { CandidatesService } from './candidates.service';
import { ContractEvidenceService } from './contract-evidence.service';
import { DecpImporter } from './decp/decp-importer';
import { LotAdviceService } from './lot-advice.service';
import { TendersService } from './tenders.service';

/** Tenders, their ranked candidates, and awarded contracts from DECP. Needs PersistenceModule (global). */
@Module({
  imports: [ReferenceModule],
  providers: [TendersService, CandidatesService, ContractEvidenceService, DecpImporter, LotAdviceService],
  exports: [TendersService, CandidatesService, ContractEvidenceService, DecpImporter, LotAdviceService],
})
export class TendersModule {}
