// Text normalisation shared by both adapters: what a "word" is, how accents fold, what one typo means.
// User text only ever becomes words made of [a-z0-9]: quotes, %, _, \, SQL or filter syntax cannot survive.

import { foldAccents } from '@app/reference';

/** Lower-case, accents removed, ligatures expanded (œ → oe). */
export const foldText = foldAccents;

/** Words of a text, folded; single letters dropped (elisions like l', d' carry no meaning). */
export function words(text: string): string[] {
  return foldText(text)
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1);
}

/** Query words in order, without duplicates, at most `max` (longer queries add noise, not precision). */
export function queryWords(q: string | undefined, max = 8): string[] {
  if (!q) return [];
  return [...new Set(words(q))].slice(0, max);
}

/** Typo tolerance applies to words of 5 letters or more, one typo at most (contract, issue 3). */
export const MIN_TYPO_WORD_LENGTH = 5;

/**
 * Optimal string alignment distance, stopping early above 1: a typo is one letter missing, extra,
 * replaced, or two neighbours swapped ("netoyage", "nettoyagge", "nettoyqge", "nettyoage").
 */
export function withinOneTypo(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    // substitution, or transposition of i and i+1
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  // insertion / deletion
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
