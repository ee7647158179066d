// Test data for page and browser tests, created through the public JSON API (as an integration would).
import { hasValidLuhnKey } from '@app/domain';
import type { TestApp } from './test-app';

let counter = 0;

/** A fresh SIRET with a valid Luhn key (13 random-ish digits + the key). */
export function validSiret(): string {
  counter += 1;
  const base = `${(Date.now() % 1e7).toString().padStart(7, '0')}${(process.pid % 1000).toString().padStart(3, '0')}${(counter % 1000).toString().padStart(3, '0')}`;
  for (let key = 0; key <= 9; key++) if (hasValidLuhnKey(`${base}${key}`)) return `${base}${key}`;
  throw new Error('unreachable: one key digit always satisfies Luhn');
}

export interface StructureSeed {
  name: string;
  kind: string;
  communeCode: string;
  sectors: string[];
  prestationTypes?: string[];
  openToCoContracting?: boolean;
  interventionArea?: Record<string, unknown>;
  capacity?: Record<string, number>;
  description?: string;
}

export async function createStructure(t: TestApp, auth: Record<string, string>, seed: StructureSeed): Promise<{ id: string; siret: string }> {
  const siret = validSiret();
  const res = await t
    .http()
    .post('/api/v1/structures')
    .set(auth)
    .send({ prestationTypes: ['PREST'], openToCoContracting: false, ...seed, siret });
  if (res.status !== 201) throw new Error(`structure not created: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, siret };
}

/** Waits until the search API finds `count` structures for the query (the worker indexes asynchronously). */
export async function waitForSearch(t: TestApp, query: string, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  while (Date.now() < deadline) {
    const res = await t.http().get(`/api/v1/search/structures?${query}`);
    last = res.body?.total ?? -1;
    if (last >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`search "${query}" found ${last} structure(s), expected ${count}`);
}
