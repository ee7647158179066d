// Every migration, in order. Features append theirs here (one line each, timestamped class names).
import { Foundation1700000000000 } from './1700000000000-foundation';
import { SearchOutbox1700000000100 } from './1700000000100-search-outbox';
import { Catalogue1700000001000 } from './1700000001000-catalogue';
import { SearchDocuments1700000002000 } from './1700000002000-search-documents';
import { Tenders1700000003000 } from './1700000003000-tenders';
import { Matching1700000004000 } from './1700000004000-matching';
import { Bids1700000005000 } from './1700000005000-bids';
import { SearchIndexVersion1700000006010 } from './1700000006010-search-index-version';
import { CandidateRanking1700000011000 } from './1700000011000-candidate-ranking';
import { RateLimits1700000012000 } from './1700000012000-rate-limits';
import { Hardening1700000013000 } from './1700000013000-hardening';
import { Marketplace1700000015000 } from './1700000015000-marketplace';
import { PurchaseAnalyses1700000016000 } from './1700000016000-purchase-analyses';
import { InsertionFollowUp1700000017000 } from './1700000017000-insertion-follow-up';
import { AwardReminders1700000017100 } from './1700000017100-award-reminders';
import { DeadlineReminders1700000017200 } from './1700000017200-deadline-reminders';
import { PurchaseAnalysisSweep1700000017500 } from './1700000017500-purchase-analysis-sweep';

export const MIGRATIONS = [Foundation1700000000000, SearchOutbox1700000000100, Catalogue1700000001000, SearchDocuments1700000002000, Tenders1700000003000, Matching1700000004000, Bids1700000005000, SearchIndexVersion1700000006010, CandidateRanking1700000011000, RateLimits1700000012000, Hardening1700000013000, Marketplace1700000015000, PurchaseAnalyses1700000016000, InsertionFollowUp1700000017000, AwardReminders1700000017100, DeadlineReminders1700000017200, PurchaseAnalysisSweep1700000017500];
