import { WordInfo, atLeast, idf, planTextQuery, relaxedMinimum } from './text-query';

const info = (word: string, lexemes: string, known: boolean, neighbours: WordInfo['neighbours'] = [], extra: Partial<WordInfo> = {}): WordInfo => ({
  word,
  lexemes,
  known,
  neighbours,
  ...extra,
});

describe('planTextQuery (PostgreSQL typo correction and matching)', () => {
  it('widens an unknown word of 5+ letters with its one-typo neighbours from the vocabulary', () => {
    const plan = planTextQuery([
      info('netoyage', `'netoyag'`, false, [
        { word: 'nettoyage', lexemes: `'nettoyag'`, ndoc: 120 },
        { word: 'nettoyages', lexemes: `'nettoyag'`, ndoc: 5 },
        { word: 'tatouage', lexemes: `'tatouag'`, ndoc: 2 },
      ]),
      info('locaux', `'local'`, true),
      info('lyon', `'lyon'`, true),
    ])!;
    expect(plan.corrections).toEqual({ netoyage: ['nettoyage'] });
    expect(plan.groups).toEqual([`(('netoyag') | ('nettoyag'))`, `(('local'))`, `(('lyon'))`]);
    const [n, l, y] = plan.groups;
    expect(plan.strict).toBe(`${n} & ${l} & ${y}`);
    // too few strict matches: two of the three words will do
    expect(plan.relaxed).toBe(`(${n} & ${l}) | (${n} & ${y}) | (${l} & ${y})`);
    expect(plan.any).toBe(plan.groups.join(' | '));
    expect(plan.strongGroups[0]).toBe(`(('netoyag':AB) | ('nettoyag':AB))`);
  });

  it('adds the stems of the plural and singular forms (the French stemmer splits some pairs)', () => {
    const plan = planTextQuery([info('potager', `'potag'`, true, [], { variants: [`'potager'`, `'potag'`] })])!;
    expect(plan.groups).toEqual([`(('potag') | ('potager'))`]);
    expect(plan.relaxed).toBeNull();
  });

  it('never corrects words shorter than 5 letters, nor numbers', () => {
    const plan = planTextQuery([
      info('lyom', `'lyom'`, false, [{ word: 'lyon', lexemes: `'lyon'`, ndoc: 300 }]),
      info('69003', `'69003'`, false, [{ word: '69001', lexemes: `'69001'`, ndoc: 30 }]),
    ])!;
    expect(plan.corrections).toEqual({});
    expect(plan.strict).toBe(`(('lyom')) & (('69003'))`);
  });

  it('keeps a known word as typed unless a neighbour is far more frequent', () => {
    const rare = planTextQuery([info('traiteur', `'traiteur'`, true, [{ word: 'traiteurs', lexemes: `'traiteur'`, ndoc: 3 }], { ndoc: 40 })])!;
    expect(rare.corrections).toEqual({});
    const typo = planTextQuery([info('lyonn', `'lyonn'`, true, [{ word: 'lyon', lexemes: `'lyon'`, ndoc: 300 }], { ndoc: 1 })])!;
    expect(typo.corrections).toEqual({ lyonn: ['lyon'] });
  });

  it('drops stop words and answers null when nothing is left', () => {
    expect(planTextQuery([info('les', '', false), info('de', '', false)])).toBeNull();
    expect(planTextQuery([info('de', '', false), info('insertion', `'insert'`, true)])!.strict).toBe(`(('insert'))`);
  });

  it('weighs rare words more than common ones', () => {
    const plan = planTextQuery([info('insertion', `'insert'`, true, [], { ndoc: 3000 }), info('potager', `'potag'`, true, [], { ndoc: 5 })], 4000)!;
    expect(plan.weights[1]).toBeGreaterThan(plan.weights[0] * 3);
    expect(idf(10, 0)).toBe(1);
  });

  it('relaxes to at least half of the words', () => {
    expect([1, 2, 3, 4, 5].map(relaxedMinimum)).toEqual([1, 1, 2, 2, 3]);
    expect(atLeast(['a', 'b'], 1)).toBe('a | b');
    expect(atLeast(['a', 'b'], 2)).toBe('a & b');
  });
});
