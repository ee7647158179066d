import { readableTitle } from './encoding-repair';
import { tenderSearchWords } from '../tenders.service';

describe('imported titles as people read them', () => {
  it('turns HTML breaks, tags and entities into text', () => {
    expect(readableTitle('Travaux de voirie<br />Lot 1 :&nbsp;terrassement &amp; réseaux')).toBe('Travaux de voirie Lot 1 : terrassement & réseaux');
    expect(readableTitle('Entretien <b>des</b> espaces&#039;verts')).toBe("Entretien des espaces'verts");
  });

  it('reads a lost byte before a number as « ° » and drops the other replacement characters', () => {
    expect(readableTitle('Marché N\uFFFD19C001MN nettoyage')).toBe('Marché N°19C001MN nettoyage');
    expect(readableTitle('March\uFFFD  r\uFFFDserv\uFFFD')).toBe('March rserv');
  });
});

describe('tender search words', () => {
  it('folds accents and case, drops short and common words, keeps any order', () => {
    expect(tenderSearchWords('Nettoyage des Écoles de LYON')).toEqual(['nettoyage', 'ecoles', 'lyon']);
    expect(tenderSearchWords('  ')).toEqual([]);
  });
});
