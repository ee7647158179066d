import { Module } from '@nestjs/common';
import { PurchasesModule, TendersModule } from '@app/tenders';
import { PurchaseAnalysesController } from '../purchases/purchase-analyses.controller';
import { LotAdviceController } from './lot-advice.controller';
import { StructureContractsController } from './structure-contracts.controller';
import { TendersController } from './tenders.controller';

@Module({ imports: [TendersModule, PurchasesModule], controllers: [TendersController, StructureContractsController, LotAdviceController, PurchaseAnalysesController] })
export class TendersHttpModule {}
