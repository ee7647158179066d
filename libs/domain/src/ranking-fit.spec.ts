import { fitRanking, holderRank, type RankingCase } from './ranking-fit';

// Feature 0: nearness (holders are the near ones); feature 1: noise; feature 2: "bad" (holders never have it).
const cases: RankingCase[] = Array.from({ length: 12 }, (_, i) => ({
  candidates: [
    [0.9, (i % 3) / 3, 0],
    [0.5, ((i + 1) % 3) / 3, 1],
    [0.2, ((i + 2) % 3) / 3, 0],
    [0.1, 0.5, 1],
  ],
  holders: [i % 4 === 3 ? 1 : 0],
}));

describe('fitRanking (conditional logit)', () => {
  it('learns that near candidates win, and ranks them first', () => {
    const w = fitRanking(cases, { l2: 0.1, signs: [1, 0, 0] });
    expect(w[0]).toBeGreaterThan(1);
    expect(holderRank(cases[0], w)).toBe(1);
  });

  it('respects sign constraints and fixed weights, and is deterministic', () => {
    const w = fitRanking(cases, { l2: 0.1, signs: [1, 0, 1], fixed: [undefined, 0.7, undefined] });
    expect(w[1]).toBe(0.7);
    expect(w[2]).toBeGreaterThanOrEqual(0); // the data push it negative; the constraint holds it at 0
    expect(fitRanking(cases, { l2: 0.1, signs: [1, 0, 1], fixed: [undefined, 0.7, undefined] })).toEqual(w);
  });

  it('holderRank counts ties in favour of the earlier (nearer) candidate', () => {
    expect(holderRank({ candidates: [[1], [1], [0]], holders: [1] }, [1])).toBe(2);
    expect(holderRank({ candidates: [[1], [1], [0]], holders: [0, 2] }, [1])).toBe(1);
  });
});
