// Buyers type the place into the text: "nettoyage locaux lyon", "espaces verts à Saint-Étienne". Read as
// words, "lyon" only matches documents that mention Lyon, and a cleaner in Bastia outranks one in Villeurbanne.
// A town name at the start or end of the query is taken as the place to serve instead.
import { foldText } from './text';

export interface TownLike {
  name: string;
  population: number | null;
}

export interface PlaceInQuery<T extends TownLike> {
  town: T;
  /** The query without the place (and the preposition before it); may be empty. */
  rest: string;
  /** The words of the query read as the place, as typed. */
  matched: string;
}

export interface PlaceReading<T extends TownLike> {
  /** The most populated current commune of a name, or undefined. */
  townNamed: (name: string) => T | undefined;
  /** Words that name an activity ("jardin", "bois"): never read as a place on their own. */
  isActivityWord: (foldedWord: string) => boolean;
  /** Smaller communes are too often ordinary words ("Jardin", "Bois"); they stay text. */
  minPopulation: number;
}

const MAX_PLACE_WORDS = 4;
/** Folded prepositions users put before the place: "à Lyon", "sur Lyon", "près de Lyon", "autour de Lyon". */
const PREPOSITIONS = new Set(['a', 'sur', 'en', 'de', 'du', 'pres', 'autour', 'dans', 'vers', 'secteur']);

export function placeInQuery<T extends TownLike>(query: string, reading: PlaceReading<T>): PlaceInQuery<T> | undefined {
  const words = query.trim().split(/\s+/).filter(Boolean);
  for (let size = Math.min(MAX_PLACE_WORDS, words.length); size >= 1; size--) {
    for (const atEnd of [true, false]) {
      const placeWords = atEnd ? words.slice(words.length - size) : words.slice(0, size);
      const town = readTown(placeWords, reading);
      if (!town) continue;
      const restWords = atEnd ? words.slice(0, words.length - size) : words.slice(size);
      return { town, rest: withoutPrepositions(restWords, atEnd).join(' '), matched: placeWords.join(' ') };
    }
  }
  return undefined;
}

function readTown<T extends TownLike>(placeWords: string[], reading: PlaceReading<T>): T | undefined {
  const folded = foldText(placeWords.join(' '));
  if (placeWords.length === 1 && folded.split(/\W+/).every((w) => reading.isActivityWord(w))) return undefined;
  const town = reading.townNamed(placeWords.join(' '));
  return town && (town.population ?? 0) >= reading.minPopulation ? town : undefined;
}

/** Drops "à", "près de"… between the text and the place (at the end of the text when the place ends the query). */
function withoutPrepositions(words: string[], placeAtEnd: boolean): string[] {
  const rest = [...words];
  const isPreposition = (word: string | undefined) => word !== undefined && PREPOSITIONS.has(foldText(word));
  if (placeAtEnd) while (isPreposition(rest[rest.length - 1])) rest.pop();
  else while (isPreposition(rest[0])) rest.shift();
  return rest;
}
