// Repair of DECP texts whose accented letters were replaced by U+FFFD ("Communaut�", "March� r�serv�").
// The lost byte cannot be read back, but the word usually can: each damaged word is matched against a
// vocabulary of intact French words (the file's own undamaged records, commune names, CPV labels), and the
// most frequent candidate wins. Words with no candidate stay as they are and the record is flagged.

export const REPLACEMENT_CHAR = '\uFFFD';

/** Letters a lost byte most often was in French administrative texts. */
const CANDIDATE_LETTERS = ['é', 'è', 'ê', 'à', 'â', 'ç', 'ô', 'î', 'û', 'ù', 'ë', 'ï', 'ü', 'œ', 'ö', 'ä'];
/** Beyond this many combinations a word is left damaged (4+ lost letters in one word is rare). */
const MAX_COMBINATIONS = 5000;

const WORD = /[\p{L}\p{N}\uFFFD]+/gu;

export class RepairVocabulary {
  private readonly counts = new Map<string, number>();

  /** Adds the words of an intact text (ignored if it carries a replacement character itself). */
  addText(text: string | null | undefined, weight = 1): void {
    if (!text || text.includes(REPLACEMENT_CHAR)) return;
    for (const match of text.matchAll(WORD)) {
      const word = match[0].toLowerCase();
      this.counts.set(word, (this.counts.get(word) ?? 0) + weight);
    }
  }

  count(word: string): number {
    return this.counts.get(word) ?? 0;
  }

  get size(): number {
    return this.counts.size;
  }
}

export interface RepairResult {
  text: string;
  /** Every damaged word was replaced by a known word. */
  repaired: boolean;
  /** Damaged words left as they were. */
  unrepaired: string[];
}

function isUpper(char: string): boolean {
  return char !== char.toLowerCase() && char === char.toUpperCase();
}

/** Candidates for one damaged word, most frequent known word first; null when none is known. */
function repairWord(word: string, vocabulary: RepairVocabulary): string | null {
  const lower = word.toLowerCase();
  const positions = [...lower].flatMap((char, i) => (char === REPLACEMENT_CHAR ? [i] : []));
  if (positions.length === 0) return word;
  // A lone "�" between spaces is almost always "à" ("Asnières � Clichy").
  if (lower === REPLACEMENT_CHAR) return 'à';
  // "N�" before a number is "N°".
  if (/^n\uFFFD\d/.test(lower)) return `${word[0]}°${word.slice(2)}`;
  if (CANDIDATE_LETTERS.length ** positions.length > MAX_COMBINATIONS) return null;

  const chars = [...lower];
  let best: { chars: string[]; count: number } | null = null;
  const search = (k: number): void => {
    if (k === positions.length) {
      const candidate = chars.join('');
      const count = vocabulary.count(candidate);
      if (count > 0 && (!best || count > best.count)) best = { chars: [...chars], count };
      return;
    }
    for (const letter of CANDIDATE_LETTERS) {
      chars[positions[k]] = letter;
      search(k + 1);
    }
  };
  search(0);
  if (!best) return null;
  // Keep the original case: an all-capitals word gets capital accented letters.
  const original = [...word];
  const letters = original.filter((c) => c !== REPLACEMENT_CHAR && /\p{L}/u.test(c));
  const allCaps = letters.length > 0 && letters.every(isUpper);
  const chosen = (best as { chars: string[] }).chars;
  return original
    .map((char, i) => {
      if (char !== REPLACEMENT_CHAR) return char;
      const replacement = chosen[i];
      return allCaps ? replacement.toUpperCase() : replacement;
    })
    .join('');
}

/** Repairs every damaged word of a text it can; says what it could not. */
export function repairText(text: string, vocabulary: RepairVocabulary): RepairResult {
  if (!text.includes(REPLACEMENT_CHAR)) return { text, repaired: true, unrepaired: [] };
  const unrepaired: string[] = [];
  const repairedText = text.replace(WORD, (word) => {
    if (!word.includes(REPLACEMENT_CHAR)) return word;
    const fixed = repairWord(word, vocabulary);
    if (fixed === null) {
      unrepaired.push(word);
      return word;
    }
    return fixed;
  });
  return { text: repairedText, repaired: unrepaired.length === 0, unrepaired };
}

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', deg: '°', eacute: 'é', egrave: 'è', agrave: 'à', ccedil: 'ç' };

/**
 * An imported title as a person reads it: HTML line breaks and tags become spaces, entities are decoded,
 * a lost byte between « N » and a number was « ° » (« N�19C001MN » → « N°19C001MN »), a replacement
 * character left over is dropped, and spaces are collapsed.
 */
export function readableTitle(raw: string): string {
  return raw
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/?[a-z][^>]*>/gi, ' ')
    .replace(/&(#\d{1,5}|#x[0-9a-f]{1,4}|[a-z]{2,8});/gi, (entity, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return HTML_ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/\b([Nn])\uFFFD\s?(?=\d)/g, '$1°')
    .replace(/\uFFFD/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
