// Pure look-ups between the taxonomy and outside vocabularies: NAF (structures), CPV (tenders) and
// free text (a structure's name or brand).

import { foldText } from '../text';
import { SECTORS, type Sector } from './sectors';

export interface InferredSector {
  code: string;
  inferred: true;
  /** The evidence: the register's NAF code, or a keyword of the name/brand. */
  because: 'naf' | 'name';
}

export interface InferenceInput {
  naf?: string | null;
  name?: string | null;
  brand?: string | null;
}

/** At most this many sectors are inferred: beyond that, guesses become noise in facets and matching. */
export const MAX_INFERRED_SECTORS = 4;

const sectorsByCode = new Map<string, Sector>(SECTORS.map((sector) => [sector.code, sector]));
const taxonomyOrder = new Map<string, number>(SECTORS.map((sector, index) => [sector.code, index]));

export function sectorByCode(code: string): Sector | undefined {
  return sectorsByCode.get(code);
}

export function isKnownSector(code: string): boolean {
  return sectorsByCode.has(code);
}

// ── NAF ─────────────────────────────────────────────────────────────────────────────────────────

const NAF_PATTERN = /^(\d{2})\.?(\d{2})([A-Z])$/;

/** "81.21Z", "8121z", " 8121Z " → "8121Z"; anything else → null. */
export function normaliseNaf(naf: string): string | null {
  const match = NAF_PATTERN.exec(naf.trim().toUpperCase());
  return match ? `${match[1]}${match[2]}${match[3]}` : null;
}

/** Sectors listing the NAF code, each with the position of the code in its list (0 = most typical). */
function sectorsWithNaf(naf: string, sameClass: boolean): { sector: Sector; rank: number }[] {
  const matches: { sector: Sector; rank: number }[] = [];
  for (const sector of SECTORS) {
    const rank = sector.nafCodes.findIndex((code) => (sameClass ? code.slice(0, 4) === naf.slice(0, 4) : code === naf));
    if (rank >= 0) matches.push({ sector, rank });
  }
  return matches;
}

/** NAF matches: the exact code when any sector lists it, else any code of the same 4-digit class. */
function nafMatches(naf: string): { sector: Sector; rank: number; exact: boolean }[] {
  const code = normaliseNaf(naf);
  if (code === null) return [];
  const exact = sectorsWithNaf(code, false);
  if (exact.length > 0) return exact.map((match) => ({ ...match, exact: true }));
  return sectorsWithNaf(code, true).map((match) => ({ ...match, exact: false }));
}

/** Sector codes for a NAF code (exact match, else same 4-digit class), in taxonomy order. */
export function sectorsForNaf(naf: string): string[] {
  return nafMatches(naf).map(({ sector }) => sector.code);
}

// ── CPV ─────────────────────────────────────────────────────────────────────────────────────────

const CPV_PATTERN = /^(\d{8})(?:-\d)?$/;

/**
 * Sectors of a CPV code ("45442100" or "45442100-8"): the sectors whose prefix is the longest one
 * matching the code, all of them when several share that length, in taxonomy order.
 */
export function sectorsForCpvCode(cpv: string): string[] {
  const match = CPV_PATTERN.exec(cpv.trim());
  if (match === null) return [];
  const code = match[1];
  let longest = 0;
  let codes: string[] = [];
  for (const sector of SECTORS) {
    const length = Math.max(0, ...sector.cpvPrefixes.filter((prefix) => code.startsWith(prefix)).map((prefix) => prefix.length));
    if (length === 0 || length < longest) continue;
    if (length > longest) {
      longest = length;
      codes = [];
    }
    codes.push(sector.code);
  }
  return codes;
}

// ── Names ───────────────────────────────────────────────────────────────────────────────────────

interface KeywordMatcher {
  keyword: string;
  wordCount: number;
  /** The spellings of the keyword's first word (with its plurals): a cheap test before the pattern. */
  firstWordForms: string[];
  pattern: RegExp;
  sectors: string[];
}

// A keyword's words may take a plural "s" or "x", except words of one or two letters ("ai" must not
// read "AIX") and words already ending in s or x.
const takesPlural = (word: string) => word.length >= 3 && !/[sx]$/.test(word);

/** "espace vert" → / espaces? verts? /: whole words of the folded text. */
function keywordPattern(foldedKeyword: string): RegExp {
  const words = foldedKeyword.split(' ').map((word) => (takesPlural(word) ? `${word}[sx]?` : word));
  return new RegExp(`(?<=^| )${words.join(' ')}(?= |$)`, 'g');
}

function wordForms(word: string): string[] {
  return takesPlural(word) ? [word, `${word}s`, `${word}x`] : [word];
}

// Longest keywords first: "restaurants du coeur" (food aid) must be read before "restaurant".
const keywordMatchers: KeywordMatcher[] = (() => {
  const byKeyword = new Map<string, string[]>();
  for (const sector of SECTORS) {
    for (const keyword of sector.keywords) {
      const folded = foldText(keyword);
      const sectors = byKeyword.get(folded) ?? [];
      if (!sectors.includes(sector.code)) sectors.push(sector.code);
      byKeyword.set(folded, sectors);
    }
  }
  return [...byKeyword.entries()]
    .map(([keyword, sectors]) => ({
      keyword,
      wordCount: keyword.split(' ').length,
      firstWordForms: wordForms(keyword.split(' ')[0]),
      pattern: keywordPattern(keyword),
      sectors,
    }))
    .sort((a, b) => b.wordCount - a.wordCount || b.keyword.length - a.keyword.length);
})();

/**
 * Sectors named by keywords of a free text, each with the word count of its longest keyword.
 * A stretch of text read by a longer keyword is not read again by a shorter one.
 */
export function sectorsNamedIn(text: string): Map<string, number> {
  let remaining = foldText(text);
  const found = new Map<string, number>();
  if (remaining === '') return found;
  const words = new Set(remaining.split(' '));
  for (const matcher of keywordMatchers) {
    if (!matcher.firstWordForms.some((form) => words.has(form))) continue;
    matcher.pattern.lastIndex = 0;
    if (!matcher.pattern.test(remaining)) continue;
    // Blank the matched words out so that shorter keywords cannot reuse them.
    remaining = remaining.replace(matcher.pattern, (matched) => '_'.repeat(matched.length));
    for (const code of matcher.sectors) found.set(code, Math.max(found.get(code) ?? 0, matcher.wordCount));
  }
  return found;
}

/** A NAF code alone suggests at most this many sectors: it is weaker evidence than the name. */
const MAX_SECTORS_FROM_NAF_ALONE = 2;

/**
 * Infers a structure's sectors from its NAF code and its name/brand, best first, at most
 * MAX_INFERRED_SECTORS. Scoring: the NAF code counts more when it is the sector's most typical one
 * and when it matches exactly (not just by class); a name keyword counts more when it is longer
 * ("espaces verts" over "vert"); evidence from both adds up. The name may bring any number of
 * candidates, the NAF code alone at most MAX_SECTORS_FROM_NAF_ALONE, so that a broad code such as
 * 8130Z (green spaces) does not fill the list with every sector that shares it.
 */
export function inferSectors(input: InferenceInput): InferredSector[] {
  const nafScores = new Map<string, number>();
  for (const { sector, rank, exact } of input.naf ? nafMatches(input.naf) : []) {
    nafScores.set(sector.code, (exact ? 3 : 2) - Math.min(rank, 3) * 0.25);
  }

  const text = [input.name, input.brand].filter((part): part is string => !!part).join(' ');
  const nameScores = new Map<string, number>();
  for (const [code, wordCount] of sectorsNamedIn(text)) nameScores.set(code, 2.5 + 0.5 * (Math.min(wordCount, 3) - 1));

  const byScore = (a: { code: string; score: number }, b: { code: string; score: number }) =>
    b.score - a.score || taxonomyOrder.get(a.code)! - taxonomyOrder.get(b.code)!;

  const fromNafAlone = [...nafScores]
    .filter(([code]) => !nameScores.has(code))
    .map(([code, score]) => ({ code, score, because: 'naf' as const }))
    .sort(byScore)
    .slice(0, MAX_SECTORS_FROM_NAF_ALONE);
  // With both, the register's NAF code is the stated evidence and the name confirms it.
  const fromName = [...nameScores].map(([code, score]) => {
    const nafScore = nafScores.get(code);
    return nafScore === undefined
      ? { code, score, because: 'name' as const }
      : { code, score: score + nafScore, because: 'naf' as const };
  });

  return [...fromName, ...fromNafAlone]
    .sort(byScore)
    .slice(0, MAX_INFERRED_SECTORS)
    .map(({ code, because }) => ({ code, inferred: true as const, because }));
}
