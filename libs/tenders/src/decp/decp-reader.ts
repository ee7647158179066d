// Reads a DECP file: NDJSON (one record per line, as the 2018–2019 consolidated file), or a JSON document
// (`{ "marches": { "marche": [...] } }` as published in the 2022 format, or a plain array).
// Files are streamed record by record (readline for NDJSON, a small array scanner for JSON documents), so
// memory does not grow with the file: one record at a time is parsed and handed on.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { DecpRecord } from './decp-record';

export interface ReadRecord {
  /** 1-based line (NDJSON) or position (JSON document) of the record in the file. */
  line: number;
  record: DecpRecord;
}

export interface UnreadableRecord {
  line: number;
  reason: string;
}

/** One entry of a DECP file, in file order: a record, or what could not be read there. */
export type DecpEntry = ReadRecord | UnreadableRecord;

export function isReadRecord(entry: DecpEntry): entry is ReadRecord {
  return 'record' in entry;
}

/** A whole file in memory (small inputs, tests): see streamDecpFile for files. */
export interface ReadResult {
  records: ReadRecord[];
  unreadable: UnreadableRecord[];
}

const NOT_AN_OBJECT_RECORD = 'enregistrement qui n’est pas un objet JSON';

/** The first characters of a file tell a JSON document (array, or `{"marches": …}`) from NDJSON. */
function isJsonDocument(head: string): boolean {
  const trimmed = head.replace(/^\uFEFF/, '').trimStart();
  return trimmed.startsWith('[') || /^\{\s*"marches"/.test(trimmed);
}

function objectEntry(value: unknown, line: number, notObject: string): DecpEntry {
  return value && typeof value === 'object' && !Array.isArray(value) ? { line, record: value as DecpRecord } : { line, reason: notObject };
}

function ndjsonEntry(text: string, line: number): DecpEntry | null {
  if (!text.trim()) return null;
  try {
    return objectEntry(JSON.parse(text), line, 'ligne qui n’est pas un objet JSON');
  } catch (error) {
    return { line, reason: `JSON illisible : ${(error as Error).message}` };
  }
}

const enum Char {
  Quote = 34,
  Backslash = 92,
  OpenBrace = 123,
  CloseBrace = 125,
  OpenBracket = 91,
  CloseBracket = 93,
  Colon = 58,
  Comma = 44,
}

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;

/**
 * Splits a JSON document into its records as chunks arrive, holding only the record being read: the
 * elements of a top-level array, or of `marches.marche`. Each object element is parsed on its own (a
 * broken one is reported, the others still read); elements that are not objects are reported.
 */
export class DecpDocumentScanner {
  /** Containers open around the current position ('{' or '['). */
  private readonly stack: number[] = [];
  /** Per open object: the last key read (only kept for the two outer levels). */
  private readonly keys: (string | null)[] = [];
  private expectKey = false;
  private inString = false;
  private escaped = false;
  private keyText: string[] | null = null;
  /** Depth of the records array's contents, once found. */
  private recordsDepth = -1;
  private recordsDone = false;
  /** Inside the records array, after `[` or `,`: the next value is a new record. */
  private awaitingElement = false;
  private position = 0;
  /** Text of the object record being read (across chunks), or null between records. */
  private parts: string[] | null = null;

  feed(chunk: string): DecpEntry[] {
    const out: DecpEntry[] = [];
    let start = this.parts ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === Char.Backslash) this.escaped = true;
        else if (c === Char.Quote) {
          this.inString = false;
          if (this.keyText) {
            this.keys[this.stack.length - 1] = this.keyText.join('');
            this.keyText = null;
          }
        } else if (this.keyText) this.keyText.push(chunk[i]);
        continue;
      }
      if (isSpace(c)) continue;
      const depth = this.stack.length;
      // A new element of the records array.
      if (depth === this.recordsDepth && this.awaitingElement && c !== Char.Comma && c !== Char.CloseBracket) {
        this.awaitingElement = false;
        this.position++;
        if (c === Char.OpenBrace) {
          this.parts = [];
          start = i;
        } else out.push({ line: this.position, reason: NOT_AN_OBJECT_RECORD });
      }
      if (c === Char.Quote) {
        this.inString = true;
        if (this.expectKey && depth <= 2) this.keyText = [];
        this.expectKey = false;
      } else if (c === Char.OpenBrace || c === Char.OpenBracket) {
        if (c === Char.OpenBracket && this.recordsDepth < 0 && !this.recordsDone && this.isRecordsArray()) {
          this.recordsDepth = depth + 1;
          this.awaitingElement = true;
        }
        this.stack.push(c);
        this.keys.push(null);
        this.expectKey = c === Char.OpenBrace;
      } else if (c === Char.CloseBrace || c === Char.CloseBracket) {
        this.stack.pop();
        this.keys.pop();
        if (depth === this.recordsDepth) {
          this.recordsDepth = -1;
          this.recordsDone = true;
        } else if (depth === this.recordsDepth + 1 && this.parts) {
          this.parts.push(chunk.slice(start, i + 1));
          out.push(this.parseRecord(this.parts.join('')));
          this.parts = null;
          start = -1;
        }
      } else if (c === Char.Comma) {
        this.expectKey = this.stack[depth - 1] === Char.OpenBrace;
        if (depth === this.recordsDepth) this.awaitingElement = true;
      }
    }
    if (this.parts && start >= 0) this.parts.push(chunk.slice(start));
    return out;
  }

  /** At the end of the input: a record cut short is reported. */
  end(): DecpEntry[] {
    if (!this.parts) return [];
    this.parts = null;
    return [{ line: this.position, reason: 'document JSON tronqué : enregistrement incomplet en fin de fichier' }];
  }

  /** `[` opening the document itself, or the value of `marches.marche`. */
  private isRecordsArray(): boolean {
    const depth = this.stack.length;
    if (depth === 0) return true;
    return depth === 2 && this.stack[0] === Char.OpenBrace && this.stack[1] === Char.OpenBrace && this.keys[0] === 'marches' && this.keys[1] === 'marche';
  }

  private parseRecord(text: string): DecpEntry {
    try {
      return objectEntry(JSON.parse(text), this.position, NOT_AN_OBJECT_RECORD);
    } catch (error) {
      return { line: this.position, reason: `JSON illisible : ${(error as Error).message}` };
    }
  }
}

/** Every entry of a DECP text already in memory (tests, small inputs). */
export function parseDecp(content: string): ReadResult {
  const result: ReadResult = { records: [], unreadable: [] };
  const add = (entry: DecpEntry | null) => {
    if (!entry) return;
    if (isReadRecord(entry)) result.records.push(entry);
    else result.unreadable.push(entry);
  };
  if (isJsonDocument(content)) {
    const scanner = new DecpDocumentScanner();
    [...scanner.feed(content), ...scanner.end()].forEach(add);
  } else content.split(/\r?\n/).forEach((line, i) => add(ndjsonEntry(i === 0 ? line.replace(/^\uFEFF/, '') : line, i + 1)));
  return result;
}

/** The entries of an in-memory read, records first. */
export function* entriesOf(read: ReadResult): Iterable<DecpEntry> {
  yield* read.records;
  yield* read.unreadable;
}

async function fileHead(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Streams the entries of a DECP file in file order, one record in memory at a time. */
export async function* streamDecpFile(path: string): AsyncGenerator<DecpEntry> {
  if (isJsonDocument(await fileHead(path))) {
    const scanner = new DecpDocumentScanner();
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) yield* scanner.feed(chunk as string);
    yield* scanner.end();
    return;
  }
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const entry = ndjsonEntry(line === 1 ? text.replace(/^\uFEFF/, '') : text, line);
    if (entry) yield entry;
  }
}
