import { VersionedCache } from './versioned-cache';

describe('VersionedCache', () => {
  it('gives an entry with the version it was computed at, for the caller to check', () => {
    const cache = new VersionedCache<number>(4);
    cache.set('a', '1', 10);
    expect(cache.peek('a')).toEqual({ version: '1', value: 10 });
    cache.set('a', '2', 11);
    expect(cache.peek('a')).toEqual({ version: '2', value: 11 });
    expect(cache.peek('b')).toBeUndefined();
  });

  it('evicts the least recently used entry', () => {
    const cache = new VersionedCache<string>(2);
    cache.set('a', '1', 'A');
    cache.set('b', '1', 'B');
    expect(cache.peek('a')?.value).toBe('A'); // a is now the most recent
    cache.set('c', '1', 'C');
    expect(cache.peek('b')).toBeUndefined();
    expect(cache.peek('a')?.value).toBe('A');
    expect(cache.peek('c')?.value).toBe('C');
    expect(cache.size).toBe(2);
  });

  it('keeps nothing with no capacity, nor a value without a version', () => {
    const cache = new VersionedCache<number>(0);
    cache.set('a', '1', 1);
    expect(cache.peek('a')).toBeUndefined();
    const versioned = new VersionedCache<number>(2);
    versioned.set('a', null, 1);
    versioned.set('b', '', 2);
    expect(versioned.size).toBe(0);
  });
});
