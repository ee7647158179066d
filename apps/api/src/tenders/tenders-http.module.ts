import { Module } from '@nestjs/common';
import { TendersModule } from '@app/tenders';
import { StructureContractsController } from './structure-contracts.controller';
import { TendersController } from './tenders.controller';

@Module({ imports: [TendersModule], controllers: [TendersController, StructureContractsController] })
export class TendersHttpModule {}
