import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { COMMUNES_FILE, CPV_FILE, findProjectRoot, REFERENCE_DATA_DIR } from './reference-data-dir';
import { foldText } from './text';

describe('REFERENCE_DATA_DIR', () => {
  it('is <repo>/data/reference and holds the shipped files', () => {
    expect(REFERENCE_DATA_DIR).toBe(resolve(__dirname, '../../../data/reference'));
    expect(existsSync(COMMUNES_FILE)).toBe(true);
    expect(existsSync(CPV_FILE)).toBe(true);
  });

  it('resolves the same root from compiled code under dist/, even if a package.json was emitted there', () => {
    const root = mkdtempSync(join(tmpdir(), 'reference-root-'));
    try {
      writeFileSync(join(root, 'package.json'), '{}');
      mkdirSync(join(root, 'data', 'reference'), { recursive: true });
      const compiled = join(root, 'dist', 'libs', 'reference', 'src');
      mkdirSync(compiled, { recursive: true });
      expect(findProjectRoot(compiled)).toBe(root);
      writeFileSync(join(root, 'dist', 'package.json'), '{}');
      expect(findProjectRoot(compiled)).toBe(root);
      expect(findProjectRoot(join(root, 'libs', 'reference', 'src'))).toBe(root);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('foldText', () => {
  it('folds accents, case, ligatures and punctuation', () => {
    expect(foldText("L'ÉCO-Ressourcerie")).toBe('l eco ressourcerie');
    expect(foldText('Œuvre  Maraîchère ')).toBe('oeuvre maraichere');
  });
});
