import { foldText } from '../text';

/**
 * Folds a place name the way registers and users abbreviate it: "ST AMAND MONTROND" and "Saint-Amand-Montrond"
 * both become "saint amand montrond"; a trailing "Cedex 12" is dropped.
 */
export function foldPlaceName(input: string): string {
  return foldText(input)
    .replace(/\bcedex(\s+\d+)?\b/g, '')
    .replace(/\bste\b/g, 'sainte')
    .replace(/\bst\b/g, 'saint')
    .replace(/\s+/g, ' ')
    .trim();
}
