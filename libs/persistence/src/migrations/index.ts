// Every migration, in order. Features append theirs here (one line each, timestamped class names).
import { Foundation1700000000000 } from './1700000000000-foundation';
import { SearchOutbox1700000000100 } from './1700000000100-search-outbox';

export const MIGRATIONS = [Foundation1700000000000, SearchOutbox1700000000100];
