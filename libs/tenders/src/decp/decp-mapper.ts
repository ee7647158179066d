// One raw DECP record (2019 or 2022 format) → one closed, one-lot historical tender with its holders.
// Pure: reference data and the repair vocabulary are passed in. Nothing is dropped: what cannot be read
// is flagged, with a French reason for the import summary.
import { createHash } from 'node:crypto';
import { isValidSiret, normaliseSiret, type PrestationType, type Reservation, type SocialClauseType } from '@app/domain';
import type { ReferenceLookup } from '../reference-lookup';
import { REPLACEMENT_CHAR, RepairVocabulary, readableTitle, repairText } from './encoding-repair';
import { detectFormat, type DecpFormat, type DecpRecord } from './decp-record';
import { PlaceResolver, type ResolvedPlace } from './place-resolver';

export interface ImportedHolder {
  identifier: string | null;
  identifierType: string | null;
  siret: string | null;
  name: string | null;
  flags: string[];
}

export interface ImportedContract {
  source: DecpFormat;
  externalId: string;
  title: string;
  buyer: { name: string; kind: 'public'; siret?: string };
  cpvCodes: string[];
  sectors: string[];
  place: ResolvedPlace;
  durationMonths: number | null;
  notifiedOn: string | null;
  amountEur: number | null;
  prestationType: PrestationType;
  reservation: Reservation;
  socialClause: { type: SocialClauseType } | null;
  groupingType: string | null;
  holders: ImportedHolder[];
  flags: string[];
  /** Why each flag was set, in French (import summary). */
  reasons: string[];
  details: Record<string, unknown>;
}

/** The key of a record in its file: the buyer's SIRET and the buyer's contract id (ids repeat across buyers). */
export function recordKey(record: DecpRecord): string | null {
  const id = record.id === null || record.id === undefined ? '' : String(record.id).trim();
  if (!id) return null;
  const buyer = record.acheteur?.id === null || record.acheteur?.id === undefined ? '' : String(record.acheteur.id).trim();
  return `${buyer || 'sans-acheteur'}/${id}`;
}

/** Stable fingerprint of a record's content (key order independent), to tell repeats from variants. */
export function recordFingerprint(record: DecpRecord): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
    return value;
  };
  return createHash('sha1').update(JSON.stringify(canonical(record))).digest('hex').slice(0, 10);
}

export interface CpvResolution {
  /** Published code with its check digit ("45431000-7"), or null when unreadable. */
  code: string | null;
  flags: string[];
}

/**
 * CPV as found in DECP: with or without the check digit ("45000000-7", "450000007", "45000000"), and
 * codes typed as numbers that lost a leading zero ("9132100" → "09132100"). The check digit is verified
 * against the CPV list; a wrong one is flagged, the 8 digits are kept.
 */
export function resolveCpv(raw: unknown, reference: Pick<ReferenceLookup, 'cpv'>): CpvResolution {
  if (raw === null || raw === undefined || String(raw).trim() === '') return { code: null, flags: ['CPV_MISSING'] };
  const text = String(raw).trim();
  const match = /^(\d{7,8})(?:-?(\d))?$/.exec(text.replace(/\s+/g, ''));
  if (!match) return { code: null, flags: ['CPV_INVALID'] };
  let digits = match[1];
  let check = match[2];
  // Nine digits without a dash: eight digits and the check digit.
  if (digits.length === 8 && check === undefined && /^\d{9}$/.test(text)) [digits, check] = [text.slice(0, 8), text[8]];
  const flags: string[] = [];
  let code8: string | null = null;
  if (digits.length === 8) code8 = reference.cpv(digits) ? digits : null;
  else {
    // 7 digits: a leading zero lost (numeric field), or, failing that, a trailing one.
    const candidates = [`0${digits}`, `${digits}0`].filter((c) => reference.cpv(c));
    const byCheck = check !== undefined ? candidates.find((c) => reference.cpv(c)!.code === `${c}-${check}`) : undefined;
    code8 = byCheck ?? candidates[0] ?? null;
    if (code8) flags.push('CPV_REPAIRED');
  }
  if (!code8) return { code: null, flags: ['CPV_UNKNOWN'] };
  const known = reference.cpv(code8)!;
  if (check !== undefined && known.code !== `${code8}-${check}`) flags.push('CPV_CHECK_DIGIT_MISMATCH');
  return { code: known.code, flags };
}

/** "2018-10-17", "2018-10-17+02:00", "2018-10-17T00:00:00Z" → "2018-10-17" (the calendar day as written). */
export function resolveDate(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(raw.trim());
  if (!match) return null;
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return null;
  return `${y}-${m}-${d}`;
}

const num = (value: unknown): number | null => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value.replace(/\s/g, '').replace(',', '.'));
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
};

/** Staff provision when the CPV's sectors are staff provision; supplies are goods; the rest services. */
export function prestationTypeFor(cpvCode: string | null, sectors: readonly string[], reference: Pick<ReferenceLookup, 'sector'>): PrestationType {
  if (cpvCode?.startsWith('7962') || sectors.some((s) => reference.sector(s)?.group === 'MISE_A_DISPOSITION')) return 'DISP';
  const division = cpvCode ? Number(cpvCode.slice(0, 2)) : NaN;
  if ((division >= 3 && division <= 44) || division === 48) return 'BUILD';
  return 'PREST';
}

const FLAG_REASONS: Record<string, string> = {
  MISSING_ID: 'identifiant du marché absent',
  BUYER_MISSING: 'acheteur absent',
  TITLE_MISSING: 'objet du marché absent',
  CPV_MISSING: 'code CPV absent',
  CPV_INVALID: 'code CPV illisible',
  CPV_UNKNOWN: 'code CPV inconnu de la nomenclature',
  CPV_REPAIRED: 'code CPV réparé (zéro perdu)',
  CPV_CHECK_DIGIT_MISMATCH: 'clé de contrôle du code CPV erronée',
  PLACE_MISSING: "lieu d'exécution absent",
  PLACE_UNKNOWN: "lieu d'exécution introuvable",
  PLACE_FOREIGN: "lieu d'exécution hors de France",
  PLACE_TYPE_MISMATCH: "code du lieu d'exécution d'un autre type que celui annoncé",
  PLACE_APPROXIMATE: "lieu d'exécution approché par le département",
  PLACE_OLD_REGION_CODE: 'ancien code de région (avant 2016) converti',
  DATE_MISSING: 'date de notification absente ou illisible',
  AMOUNT_MISSING: 'montant absent ou nul',
  DURATION_MISSING: 'durée absente ou nulle',
  NO_HOLDERS: 'aucun titulaire',
  HOLDER_INVALID_SIRET: 'SIRET de titulaire invalide',
  ENCODING_REPAIRED: 'accents perdus, réparés par le vocabulaire',
  ENCODING_DAMAGED: 'accents perdus, non réparables',
  NATURE_MISSING: 'nature du marché absente',
};

export function flagReason(flag: string): string {
  return FLAG_REASONS[flag] ?? flag;
}

export class DecpMapper {
  readonly places: PlaceResolver;

  constructor(
    private readonly reference: ReferenceLookup,
    private readonly vocabulary: RepairVocabulary,
  ) {
    this.places = new PlaceResolver(reference);
  }

  /** Feeds the repair vocabulary with the intact texts of a record (first pass over a file). */
  learn(record: DecpRecord): void {
    if (record.encodingDamaged) return;
    this.vocabulary.addText(record.objet);
    this.vocabulary.addText(record.acheteur?.nom);
    this.vocabulary.addText(record.lieuExecution?.nom);
    for (const holder of record.titulaires ?? []) if (holder && 'denominationSociale' in holder) this.vocabulary.addText(holder.denominationSociale);
  }

  /** `externalId` is given by the importer (the key, plus a fingerprint when the key has variants). */
  map(record: DecpRecord, externalId: string): ImportedContract {
    const format = detectFormat(record);
    const flags: string[] = [];
    const unrepaired: string[] = [];
    let repairedSomething = false;
    const text = (value: unknown): string | null => {
      if (value === null || value === undefined) return null;
      const raw = String(value).trim();
      if (!raw.includes(REPLACEMENT_CHAR)) return raw;
      const result = repairText(raw, this.vocabulary);
      repairedSomething = true;
      unrepaired.push(...result.unrepaired);
      return result.text;
    };

    const objet = text(record.objet);
    const title = objet ? readableTitle(objet) || null : null;
    if (!title) flags.push('TITLE_MISSING');
    const buyerName = text(record.acheteur?.nom);
    const buyerId = record.acheteur?.id === null || record.acheteur?.id === undefined ? '' : normaliseSiret(String(record.acheteur.id));
    if (!record.acheteur || (!buyerName && !buyerId)) flags.push('BUYER_MISSING');
    if (!record.nature) flags.push('NATURE_MISSING');

    const cpv = resolveCpv(record.codeCPV, this.reference);
    flags.push(...cpv.flags);
    const sectors = cpv.code ? (this.reference.cpv(cpv.code)?.sectors ?? []) : [];

    const placeRecord = record.lieuExecution ? { ...record.lieuExecution, nom: text(record.lieuExecution.nom) } : record.lieuExecution;
    const place = this.places.resolve(placeRecord);
    flags.push(...place.flags);

    const notifiedOn = resolveDate(record.dateNotification);
    if (!notifiedOn) flags.push('DATE_MISSING');
    const amount = num(record.montant);
    if (amount === null || amount <= 0) flags.push('AMOUNT_MISSING');
    const duration = num(record.dureeMois);
    if (duration === null || duration <= 0) flags.push('DURATION_MISSING');

    const holders = this.holders(record, text);
    if (holders.length === 0) flags.push('NO_HOLDERS');
    if (holders.some((h) => h.flags.includes('INVALID_SIRET'))) flags.push('HOLDER_INVALID_SIRET');

    if (repairedSomething || record.encodingDamaged) flags.push(unrepaired.length ? 'ENCODING_DAMAGED' : 'ENCODING_REPAIRED');

    const considerations = (record.considerationsSociales?.considerationSociale ?? []).filter((c): c is string => typeof c === 'string');
    const socialClause = considerations.includes('Clause sociale')
      ? { type: 'EXECUTION_CONDITION' as const }
      : considerations.includes('Critère social')
        ? { type: 'AWARD_CRITERION' as const }
        : null;

    const reasons = [...new Set(flags)].map(flagReason);
    if (unrepaired.length) reasons.push(`mots non réparés : ${[...new Set(unrepaired)].slice(0, 5).join(', ')}`);
    return {
      source: format,
      externalId,
      title: title ?? '(objet non renseigné)',
      buyer: { name: buyerName ?? '(acheteur non renseigné)', kind: 'public', ...(isValidSiret(buyerId) ? { siret: buyerId } : {}) },
      cpvCodes: cpv.code ? [cpv.code] : [],
      sectors,
      place,
      durationMonths: duration !== null && duration > 0 ? Math.round(duration) : null,
      notifiedOn,
      amountEur: amount !== null && amount > 0 ? amount : null,
      prestationType: prestationTypeFor(cpv.code, sectors, this.reference),
      // "Marché réservé" does not say under which article (L2113-12, -13 or -14): kept in details, not guessed.
      reservation: 'NONE',
      socialClause,
      groupingType: typeof record.typeGroupementOperateurs === 'string' ? record.typeGroupementOperateurs : null,
      holders,
      flags: [...new Set(flags)],
      reasons,
      details: stripNulls({
        platform: record.source ?? null,
        buyerId: buyerId || null,
        contractId: record.id === null || record.id === undefined ? null : String(record.id),
        nature: record.nature ?? null,
        procedure: record.procedure ?? null,
        formePrix: record.formePrix ?? null,
        rawCpv: record.codeCPV ?? null,
        rawPlace: record.lieuExecution ?? null,
        considerationsSociales: considerations.length ? considerations : null,
        reserved: considerations.includes('Marché réservé') || null,
        unrepairedWords: unrepaired.length ? [...new Set(unrepaired)] : null,
      }),
    };
  }

  private holders(record: DecpRecord, text: (value: unknown) => string | null): ImportedHolder[] {
    const out: ImportedHolder[] = [];
    for (const entry of Array.isArray(record.titulaires) ? record.titulaires : []) {
      if (!entry || typeof entry !== 'object') continue;
      const holder = 'titulaire' in entry ? entry.titulaire : (entry as { id?: unknown; typeIdentifiant?: unknown; denominationSociale?: unknown });
      if (!holder) continue;
      const identifier = holder.id === null || holder.id === undefined ? null : String(holder.id).trim();
      const identifierType = typeof holder.typeIdentifiant === 'string' ? holder.typeIdentifiant.trim() : null;
      const flags: string[] = [];
      let siret: string | null = null;
      if (identifier && (identifierType === null || identifierType.toUpperCase() === 'SIRET')) {
        const digits = normaliseSiret(identifier);
        // A 14-digit SIRET with a wrong key is kept (the register holds a few such rows) but flagged.
        if (/^\d{14}$/.test(digits)) siret = digits;
        if (!isValidSiret(digits)) flags.push('INVALID_SIRET');
      }
      const name = 'denominationSociale' in holder ? text(holder.denominationSociale) : null;
      out.push({ identifier, identifierType, siret, name, flags });
    }
    return out;
  }
}

function stripNulls(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}
