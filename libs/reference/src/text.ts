/**
 * Accent-folded, lower-cased text with every run of non-alphanumerics turned into one space:
 * "L'ÉCO-Ressourcerie" → "l eco ressourcerie". Ligatures are spelled out (œ → oe, æ → ae).
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
