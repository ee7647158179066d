import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecpDocumentScanner, parseDecp, streamDecpFile, type DecpEntry } from './decp-reader';

const DOCUMENT = JSON.stringify({
  marches: {
    other: [{ id: 'ignored' }],
    marche: [
      { id: 'a', objet: 'Tête d\'Or, "parc" {espaces} [verts] \\ fin', titulaires: [{ titulaire: { id: '1' } }] },
      42,
      { id: 'b', nested: { marches: { marche: [{ id: 'not-a-record' }] } } },
      'text, with comma',
      [1, 2],
      { id: 'c' },
    ],
  },
  after: [{ id: 'ignored too' }],
});

const summary = (entries: DecpEntry[]) => entries.map((e) => ('record' in e ? `${e.line}:${String(e.record.id)}` : `${e.line}:!`));

describe('DECP document scanner', () => {
  it('reads the records of marches.marche, one by one, whatever the chunk boundaries', () => {
    const expected = ['1:a', '2:!', '3:b', '4:!', '5:!', '6:c'];
    for (const size of [1, 2, 3, 7, 64, DOCUMENT.length]) {
      const scanner = new DecpDocumentScanner();
      const entries: DecpEntry[] = [];
      for (let i = 0; i < DOCUMENT.length; i += size) entries.push(...scanner.feed(DOCUMENT.slice(i, i + size)));
      entries.push(...scanner.end());
      expect(summary(entries)).toEqual(expected);
    }
    expect(parseDecp(DOCUMENT).records[0].record.objet).toBe('Tête d\'Or, "parc" {espaces} [verts] \\ fin');
  });

  it('reads a plain array, reports a broken record and a truncated end without losing the others', () => {
    const read = parseDecp('\uFEFF [{"id":"x"}, {"id": oops}, {"id":"y"}, {"id":"cut');
    expect(read.records.map((r) => [r.line, r.record.id])).toEqual([[1, 'x'], [3, 'y']]);
    expect(read.unreadable.map((u) => u.line)).toEqual([2, 4]);
    expect(read.unreadable[1].reason).toMatch(/tronqué/);
  });

  it('streams NDJSON and JSON documents from files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'decp-reader-'));
    try {
      writeFileSync(join(dir, 'a.ndjson'), '\uFEFF{"id":"1"}\r\n\r\nnot json\n{"id":"2"}');
      writeFileSync(join(dir, 'b.json'), DOCUMENT);
      const read = async (file: string) => {
        const entries: DecpEntry[] = [];
        for await (const entry of streamDecpFile(join(dir, file))) entries.push(entry);
        return summary(entries);
      };
      expect(await read('a.ndjson')).toEqual(['1:1', '3:!', '4:2']);
      expect(await read('b.json')).toEqual(['1:a', '2:!', '3:b', '4:!', '5:!', '6:c']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
