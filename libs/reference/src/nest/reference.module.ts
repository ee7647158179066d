import { Global, Module } from '@nestjs/common';
import { ReferenceService } from './reference.service';

/** Global: every feature (catalogue, tenders, search, pages) reads reference data through ReferenceService. */
@Global()
@Module({ providers: [ReferenceService], exports: [ReferenceService] })
export class ReferenceModule {}
