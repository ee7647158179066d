// Every entity the apps know. Features append theirs here (one line each).
import { AccountEntity } from './account.entity';
import { CommuneEntity } from './commune.entity';
import { StructureEntity } from './structure.entity';
import { SearchOutboxEntity } from './search-outbox.entity';
import { StructureClaimEntity } from './structure-claim.entity';
import { TenderEntity } from './tender.entity';
import { TenderLotEntity } from './tender-lot.entity';
import { ContractHolderEntity } from './contract-holder.entity';
import { MatchingRunEntity } from './matching-run.entity';
import { ProposalEntity } from './proposal.entity';

export * from './account.entity';
export * from './commune.entity';
export * from './structure.entity';
export * from './search-outbox.entity';
export * from './structure-claim.entity';
export * from './tender.entity';
export * from './tender-lot.entity';
export * from './contract-holder.entity';
export * from './matching-run.entity';
export * from './proposal.entity';

export const ENTITIES = [AccountEntity, CommuneEntity, StructureEntity, SearchOutboxEntity, StructureClaimEntity, TenderEntity, TenderLotEntity, ContractHolderEntity, MatchingRunEntity, ProposalEntity];
