// A name must show something: text made only of spaces, zero-width characters, bidi controls or other
// invisible code points would display as nothing (or flip the text around it) on every page and export.

/** Format (Cf), separators, controls and the few "filler" letters fonts draw as blanks. */
const INVISIBLE = /[\p{Cf}\p{Z}\p{Cc}\u115F\u1160\u3164\uFFA0\u034F\u17B4\u17B5\u180B-\u180F\u2800]/gu;

/** true when `value` has at least one visible character. */
export function hasVisibleText(value: string): boolean {
  return value.replace(INVISIBLE, '').length > 0;
}

export const INVISIBLE_TEXT_MESSAGE = 'doit contenir au moins un caractère visible (pas seulement des espaces, caractères invisibles ou de direction)';
