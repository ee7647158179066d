// Turns query words (with their stems, plural variants and vocabulary neighbours, looked up in one round
// trip) into the tsquery constants of the main search. Pure: unit-tested without a database.
import { MIN_TYPO_WORD_LENGTH, withinOneTypo } from '../text';

/** What PostgreSQL said about one query word. */
export interface WordInfo {
  word: string;
  /** plainto_tsquery(french_unaccent, word)::text, '' for a stop word. */
  lexemes: string;
  /** Stems of the word with an "s" added and with a final s/x removed: the French stemmer does not always
   * give singular and plural one stem ("potager" → potag, "potagers" → potager). */
  variants?: string[];
  /** The word itself is an indexed word. */
  known: boolean;
  /** Documents containing the word (0 when unknown). */
  ndoc?: number;
  /** Indexed words that look alike (pg_trgm), with their stems and document counts. */
  neighbours: { word: string; lexemes: string; ndoc: number }[];
}

export interface TextQueryPlan {
  /** One tsquery per meaningful word: the word, its plural/singular, or its one-typo corrections. */
  groups: string[];
  /** The same groups restricted to the strong fields (weights A and B: name, brand, sector labels, place). */
  strongGroups: string[];
  /** Weight of each group in the ranking: rarer words count more (inverse document frequency). */
  weights: number[];
  /** Every word must match. */
  strict: string;
  /** When the strict query finds too little: at least half of the words (null for one word). */
  relaxed: string | null;
  /** Any word: what ts_rank scores. */
  any: string;
  /** Words replaced or widened by typo correction, for debugging and tests. */
  corrections: Record<string, string[]>;
}

/** At most this many corrections per word (most frequent first). */
const MAX_CORRECTIONS = 3;
/** A known word is still widened to a neighbour this many times more frequent. */
const FREQUENCY_OVERRIDE = 50;

/** Relaxed matching needs at least half of the words. */
export function relaxedMinimum(n: number): number {
  return Math.ceil(n / 2);
}

function combinations<T>(items: T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [first, ...rest] = items;
  return [...combinations(rest, k - 1).map((c) => [first, ...c]), ...combinations(rest, k)];
}

/** tsquery of documents containing at least `k` of the groups. */
export function atLeast(groups: string[], k: number): string {
  if (k >= groups.length) return groups.join(' & ');
  return combinations(groups, k)
    .map((c) => (c.length > 1 ? `(${c.join(' & ')})` : c[0]))
    .join(' | ');
}

/** IDF: log(1 + N / (1 + ndoc)); uniform when the collection size is unknown. */
export function idf(ndoc: number, documents: number): number {
  if (!(documents > 0)) return 1;
  return Math.round(Math.log(1 + documents / (1 + Math.max(0, ndoc))) * 1000) / 1000;
}

/** Restricts every lexeme of a tsquery to weights A and B ('nettoyag' → 'nettoyag':AB). */
export function strong(tsquery: string): string {
  return tsquery.replace(/'((?:[^']|'')*)'(:[A-D*]+)?/g, (_match, lexeme: string) => `'${lexeme}':AB`);
}

export function planTextQuery(infos: WordInfo[], documents = 0): TextQueryPlan | null {
  const groups: string[] = [];
  const weights: number[] = [];
  const corrections: Record<string, string[]> = {};
  for (const info of infos) {
    if (!info.lexemes) continue; // stop word
    const alternatives = new Set<string>([info.lexemes, ...(info.variants ?? []).filter(Boolean)]);
    let frequency = info.ndoc ?? 0;
    if (info.word.length >= MIN_TYPO_WORD_LENGTH && !/^\d+$/.test(info.word)) {
      const ownCount = info.known ? Math.max(1, info.ndoc ?? info.neighbours.find((n) => n.word === info.word)?.ndoc ?? 1) : 0;
      const fixes = info.neighbours
        .filter((n) => n.word !== info.word && n.lexemes && withinOneTypo(info.word, n.word))
        .filter((n) => !info.known || n.ndoc >= FREQUENCY_OVERRIDE * ownCount)
        .sort((a, b) => b.ndoc - a.ndoc || a.word.localeCompare(b.word))
        .slice(0, MAX_CORRECTIONS);
      for (const fix of fixes) alternatives.add(fix.lexemes);
      if (fixes.length) {
        corrections[info.word] = fixes.map((f) => f.word);
        frequency = Math.max(frequency, ...fixes.map((f) => f.ndoc));
      }
    }
    const group = `(${[...alternatives].map((l) => `(${l})`).join(' | ')})`;
    if (groups.includes(group)) continue;
    groups.push(group);
    weights.push(idf(frequency, documents));
  }
  if (!groups.length) return null;
  const relaxedK = relaxedMinimum(groups.length);
  return {
    groups,
    strongGroups: groups.map(strong),
    weights,
    strict: atLeast(groups, groups.length),
    relaxed: relaxedK < groups.length ? atLeast(groups, relaxedK) : null,
    any: groups.join(' | '),
    corrections,
  };
}
