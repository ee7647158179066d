// Answers of recent queries (text plans, facet counts) with the index version they were computed at
// (search_index_state, bumped in the transaction of every write to the index). Pure: unit-tested.

interface Entry<T> {
  version: string;
  value: T;
}

/** A small LRU: a Map keeps insertion order, a hit moves the entry to the end, the oldest goes first. */
export class VersionedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The entry and the version it was computed at, whatever the current version: the caller serves it only if
   * the snapshot of its answer has that version (PostgresSearchIndex reads it in the same statement).
   */
  peek(key: string): Entry<T> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * `version` must have been read in the snapshot the value was computed in, or before it: the value then
   * reflects at least that version, and any write committed since has moved the version on.
   */
  set(key: string, version: string | null | undefined, value: T): void {
    // No version (the state row missing): nothing could tell this value stale, so it is not kept.
    if (this.capacity <= 0 || !version) return;
    this.entries.delete(key);
    this.entries.set(key, { version, value });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
