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
import { BidEntity } from './bid.entity';
import { BidMemberEntity } from './bid-member.entity';
import { BidEventEntity } from './bid-event.entity';
import { NotificationEntity } from './notification.entity';

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
export * from './bid.entity';
export * from './bid-member.entity';
export * from './bid-event.entity';
export * from './notification.entity';

export const ENTITIES = [AccountEntity, CommuneEntity, StructureEntity, SearchOutboxEntity, StructureClaimEntity, TenderEntity, TenderLotEntity, ContractHolderEntity, MatchingRunEntity, ProposalEntity, BidEntity, BidMemberEntity, BidEventEntity, NotificationEntity];
