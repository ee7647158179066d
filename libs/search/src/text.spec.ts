import { foldText, queryWords, withinOneTypo, words } from './text';

describe('search text normalisation', () => {
  it('folds accents and ligatures the way unaccent does, so "néttoyage" and "nettoyage" are one word', () => {
    expect(foldText('Néttoyage ÉLAGAGE Œuvre')).toBe('nettoyage elagage oeuvre');
    expect(words("L'Atelier d'Insertion — Saint-Étienne")).toEqual(['atelier', 'insertion', 'saint', 'etienne']);
  });

  it('reduces any syntax in a query to plain words (quotes, %, _, \\, SQL, filter syntax)', () => {
    expect(queryWords(`"nettoyage" 100% _x_ \\ '; DROP TABLE structures; -- kind = "EI" OR _geoRadius(1,2,3)`)).toEqual([
      'nettoyage', '100', 'drop', 'table', 'structures', 'kind', 'ei', 'or',
    ]);
    expect(queryWords('_geoRadius(1,2,3)')).toEqual(['georadius']);
    expect(queryWords('%%%__\\\\""')).toEqual([]);
  });

  it('keeps at most 8 distinct words', () => {
    expect(queryWords('a1 b2 c3 d4 e5 f6 g7 h8 i9 j10 a1')).toHaveLength(8);
  });

  it('counts one typo as one letter missing, extra, replaced or two neighbours swapped', () => {
    expect(withinOneTypo('netoyage', 'nettoyage')).toBe(true); // missing
    expect(withinOneTypo('nettoyagge', 'nettoyage')).toBe(true); // extra
    expect(withinOneTypo('nettoyqge', 'nettoyage')).toBe(true); // replaced
    expect(withinOneTypo('nettyoage', 'nettoyage')).toBe(true); // swapped
    expect(withinOneTypo('netyoage', 'nettoyage')).toBe(false); // two typos
    expect(withinOneTypo('lyon', 'lyon')).toBe(true);
    expect(withinOneTypo('paris', 'pari')).toBe(true);
    expect(withinOneTypo('abcde', 'abxye')).toBe(false);
  });
});
