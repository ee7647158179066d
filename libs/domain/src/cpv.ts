// CPV codes (Reg. 2195/2002 amended by 213/2008): 8 digits, optionally followed by "-" and a check digit.
// Hierarchy by prefix: division (2 digits), group (3), class (4), category (5).

export interface CpvSector {
  code: string;
  cpvPrefixes: string[];
}

const CPV_PATTERN = /^(\d{8})(?:-\d)?$/;

/** "45000000" or "45000000-7" (spaces around ignored) → "45000000"; anything else → null. */
export function normaliseCpv(code: string): string | null {
  const match = CPV_PATTERN.exec(code.trim());
  return match ? match[1] : null;
}

/**
 * Sectors of a CPV code: the sectors whose prefix is the longest one matching the code (the most
 * specific wins; every sector sharing that longest length is returned, in taxonomy order).
 * An invalid code or no match gives []. Empty prefixes are ignored (they would match everything).
 */
export function sectorsForCpv(code: string, taxonomy: readonly CpvSector[]): string[] {
  const cpv = normaliseCpv(code);
  if (cpv === null) return [];
  let longest = 0;
  let sectors: string[] = [];
  for (const sector of taxonomy) {
    const matchLength = Math.max(0, ...sector.cpvPrefixes.filter((p) => p.length > 0 && cpv.startsWith(p)).map((p) => p.length));
    if (matchLength === 0 || matchLength < longest) continue;
    if (matchLength > longest) {
      longest = matchLength;
      sectors = [];
    }
    if (!sectors.includes(sector.code)) sectors.push(sector.code);
  }
  return sectors;
}
