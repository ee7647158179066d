// Relevance metrics of the judged set (bench/search/judged-queries.json): nDCG@k and recall@k, binary gains.

export interface JudgedQuery {
  params: Record<string, string | number>;
  why: string;
  relevant: string[];
}

export interface JudgedSet {
  description: string;
  queries: JudgedQuery[];
}

/** DCG over the ranked SIRETs: gain 1 for a relevant one, discounted by log2(rank + 1); each SIRET counts once. */
export function ndcgAt(ranked: string[], relevant: readonly string[], k = 10): number {
  const wanted = new Set(relevant);
  const seen = new Set<string>();
  let dcg = 0;
  ranked.slice(0, k).forEach((siret, i) => {
    if (wanted.has(siret) && !seen.has(siret)) dcg += 1 / Math.log2(i + 2);
    seen.add(siret);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, wanted.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal ? dcg / ideal : 0;
}

/** Share of what could fit in the top k that is there: |relevant ∩ top k| / min(k, |relevant|). */
export function recallAt(ranked: string[], relevant: readonly string[], k = 10): number {
  const wanted = new Set(relevant);
  const found = new Set(ranked.slice(0, k).filter((s) => wanted.has(s)));
  return wanted.size ? found.size / Math.min(k, wanted.size) : 0;
}

export const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
