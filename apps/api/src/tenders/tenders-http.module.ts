import { Module } from '@nestjs/common';
import { TendersModule } from '@app/tenders';
import { LotAdviceController } from './lot-advice.controller';
import { StructureContractsController } from './structure-contracts.controller';
import { TendersController } from './tenders.controller';

@Module({ imports: [TendersModule], controllers: [TendersController, StructureContractsController, LotAdviceController] })
export class TendersHttpModule {}
