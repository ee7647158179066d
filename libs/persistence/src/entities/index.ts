// Every entity the apps know. Features append theirs here (one line each).
import { AccountEntity } from './account.entity';
import { CommuneEntity } from './commune.entity';
import { StructureEntity } from './structure.entity';
import { SearchOutboxEntity } from './search-outbox.entity';

export * from './account.entity';
export * from './commune.entity';
export * from './structure.entity';
export * from './search-outbox.entity';

export const ENTITIES = [AccountEntity, CommuneEntity, StructureEntity, SearchOutboxEntity];
