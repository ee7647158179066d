import Redis from 'ioredis';
import { testRedisUrl } from './test-env';

/** Deletes the keys matching `pattern` (SCAN, never KEYS): queues and counters test apps leave under their prefix. No Redis, nothing to do. */
export function deleteRedisKeys(pattern: string): Promise<number> {
  return deleteRedisKeysWhere(pattern, () => true);
}

export async function deleteRedisKeysWhere(pattern: string, shouldDelete: (key: string) => boolean): Promise<number> {
  const url = testRedisUrl();
  if (!url) return 0;
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      const keys = found.filter(shouldDelete);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
