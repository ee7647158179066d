import { Module } from '@nestjs/common';
import { ReferenceModule } from '@app/reference';
import { TendersModule } from '../tenders.module';
import { PurchaseAnalysesService } from './purchase-analyses.service';
import { PurchaseAnalysisQueue, PurchaseAnalysisWorker } from './purchase-analysis.queue';
import { PurchaseAnalysisSweeper } from './purchase-analysis.sweeper';

/** API side of purchase analyses: reading uploads and enqueuing their advice. */
@Module({
  imports: [ReferenceModule, TendersModule],
  providers: [PurchaseAnalysesService, PurchaseAnalysisQueue],
  exports: [PurchaseAnalysesService, PurchaseAnalysisQueue],
})
export class PurchasesModule {}

/** Worker side (register in apps/worker): advises the lines of queued analyses, and requeues the stuck ones. */
@Module({
  imports: [ReferenceModule, TendersModule],
  providers: [PurchaseAnalysesService, PurchaseAnalysisQueue, PurchaseAnalysisWorker, PurchaseAnalysisSweeper],
  exports: [PurchaseAnalysisWorker, PurchaseAnalysisSweeper],
})
export class PurchaseAnalysisWorkerModule {}
