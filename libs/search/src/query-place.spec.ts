import { placeInQuery, type PlaceReading, type TownLike } from './query-place';

const towns: Record<string, TownLike & { code: string }> = {
  lyon: { code: '69123', name: 'Lyon', population: 522_250 },
  'saint etienne': { code: '42218', name: 'Saint-Étienne', population: 173_089 },
  'clermont ferrand': { code: '63113', name: 'Clermont-Ferrand', population: 147_284 },
  jardin: { code: '38199', name: 'Jardin', population: 2_300 },
  tours: { code: '37261', name: 'Tours', population: 136_463 },
  mende: { code: '48095', name: 'Mende', population: 12_500 },
};

const reading: PlaceReading<TownLike & { code: string }> = {
  townNamed: (name) => towns[name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/^st\b/, 'saint').replace(/[^a-z]+/g, ' ').trim()],
  isActivityWord: (word) => ['nettoyage', 'jardin', 'espaces', 'verts', 'tours'].includes(word),
  minPopulation: 5_000,
};

describe('placeInQuery', () => {
  it('reads a town at the end of the query as the place, and keeps the rest as text', () => {
    expect(placeInQuery('netoyage locaux lyon', reading)).toEqual({ town: towns.lyon, rest: 'netoyage locaux', matched: 'lyon' });
  });

  it('reads multi-word names with accents, hyphens or abbreviations, at the start or the end', () => {
    expect(placeInQuery('espaces verts Saint-Étienne', reading)?.town.code).toBe('42218');
    expect(placeInQuery('espaces verts st etienne', reading)?.rest).toBe('espaces verts');
    expect(placeInQuery('Clermont Ferrand blanchisserie', reading)).toMatchObject({ rest: 'blanchisserie', matched: 'Clermont Ferrand' });
  });

  it('drops the preposition before the place', () => {
    expect(placeInQuery('restauration collective à Lyon', reading)?.rest).toBe('restauration collective');
    expect(placeInQuery('nettoyage près de Mende', reading)?.rest).toBe('nettoyage');
  });

  it('leaves a query that is only a place with no text', () => {
    expect(placeInQuery('Lyon', reading)).toEqual({ town: towns.lyon, rest: '', matched: 'Lyon' });
  });

  it('never reads an activity word or a small commune as a place', () => {
    expect(placeInQuery('entretien jardin', reading)).toBeUndefined(); // Jardin (38) is small and an activity
    expect(placeInQuery('nettoyage tours', reading)).toBeUndefined(); // "tours" is also an activity word here
    expect(placeInQuery('blanchisserie', reading)).toBeUndefined();
  });
});
