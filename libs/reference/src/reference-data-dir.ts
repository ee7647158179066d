import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository (or deployed app) root: the nearest folder above `start` holding a package.json.
 * A folder that also holds data/reference wins, so a stray package.json emitted under dist/ cannot
 * hide the real root; without data/reference anywhere, the nearest package.json is used.
 */
export function findProjectRoot(start: string = __dirname): string {
  let nearestWithPackageJson: string | null = null;
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      nearestWithPackageJson ??= dir;
      if (existsSync(join(dir, 'data', 'reference'))) return dir;
    }
    if (dirname(dir) === dir) break;
  }
  if (nearestWithPackageJson === null) throw new Error(`No package.json above ${start}`);
  return nearestWithPackageJson;
}

/** `<repo>/data/reference`, the same from libs/reference/src (ts) and dist/libs/reference/src (js). */
export const REFERENCE_DATA_DIR: string = join(findProjectRoot(), 'data', 'reference');

export const COMMUNES_FILE: string = join(REFERENCE_DATA_DIR, 'communes.csv');
export const CPV_FILE: string = join(REFERENCE_DATA_DIR, 'cpv-2008.csv');
