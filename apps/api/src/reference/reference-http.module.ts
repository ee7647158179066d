import { Module } from '@nestjs/common';
import { ReferenceModule } from '@app/reference';
import { ReferenceController } from './reference.controller';

@Module({ imports: [ReferenceModule], controllers: [ReferenceController] })
export class ReferenceHttpModule {}
