/** Lower-case, accents removed, ligatures expanded (œ → oe), like PostgreSQL's unaccent for French text. */
export function foldAccents(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
}

/**
 * Accent-folded, lower-cased text with every run of non-alphanumerics turned into one space:
 * "L'ÉCO-Ressourcerie" → "l eco ressourcerie".
 */
export function foldText(text: string): string {
  return foldAccents(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
