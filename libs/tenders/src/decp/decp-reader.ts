// Reads a DECP file: NDJSON (one record per line, as the 2018–2019 consolidated file), or a JSON document
// (`{ "marches": { "marche": [...] } }` as published in the 2022 format, or a plain array).
import { readFile } from 'node:fs/promises';
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

export interface ReadResult {
  records: ReadRecord[];
  unreadable: UnreadableRecord[];
}

export function parseDecp(content: string): ReadResult {
  const trimmed = content.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && /^\{\s*"marches"/.test(trimmed))) {
    try {
      const document = JSON.parse(trimmed) as unknown;
      const list = Array.isArray(document) ? document : ((document as { marches?: { marche?: unknown[] } }).marches?.marche ?? []);
      const records: ReadRecord[] = [];
      const unreadable: UnreadableRecord[] = [];
      list.forEach((record, i) => {
        if (record && typeof record === 'object' && !Array.isArray(record)) records.push({ line: i + 1, record: record as DecpRecord });
        else unreadable.push({ line: i + 1, reason: 'enregistrement qui n’est pas un objet JSON' });
      });
      return { records, unreadable };
    } catch {
      // Not one JSON document after all: read it line by line below.
    }
  }
  const records: ReadRecord[] = [];
  const unreadable: UnreadableRecord[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) records.push({ line: i + 1, record: value as DecpRecord });
      else unreadable.push({ line: i + 1, reason: 'ligne qui n’est pas un objet JSON' });
    } catch (error) {
      unreadable.push({ line: i + 1, reason: `JSON illisible : ${(error as Error).message}` });
    }
  });
  return { records, unreadable };
}

export async function readDecpFile(path: string): Promise<ReadResult> {
  return parseDecp(await readFile(path, 'utf8'));
}
