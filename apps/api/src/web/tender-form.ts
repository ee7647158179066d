// The tender form (buyers): lots in fieldsets, "add a lot" posting back, work packages in rows, social
// clauses with the insertion-hours estimate. Form ↔ contract body ("Tender body"), validated afterwards by
// the API's own DTO and the tenders service. Pure.
import type { FieldError } from '@app/common';
import { FormBody, checked, compact, group, indexedGroups, numberField, optionalText, percentField, text } from './forms';
import { ReferenceLookup, communeLabel, resolveCpvEntries, resolvePlace } from './presenters';

export const EXTRA_WORK_PACKAGE_ROWS = 2;
export const TENDER_ACTIONS = ['save', 'preview', 'add-lot', 'remove-lot'] as const;
export type TenderFormAction = (typeof TENDER_ACTIONS)[number];

export interface WorkPackageValues {
  code: string;
  title: string;
  share: string; // per cent, as typed
}

export interface LotValues {
  number: string;
  title: string;
  description: string;
  cpvCodes: string;
  sector: string;
  estimatedAmountEur: string;
  prestationType: string;
  reservation: string;
  socialClauseType: string; // '' = no clause
  insertionHours: string;
  labourShare: string; // per cent
  insertionRate: string; // per cent
  hourlyCostEur: string;
  workPackages: WorkPackageValues[];
}

export interface TenderFormValues {
  title: string;
  description: string;
  buyerName: string;
  buyerKind: string;
  buyerSiret: string;
  cpvCodes: string;
  executionCommune: string;
  responseDeadline: string; // YYYY-MM-DDTHH:mm, Paris time
  startDate: string;
  durationMonths: string;
  multipleBidsForbidden: boolean;
  mandataireSolidaireRequired: boolean;
  lots: LotValues[];
}

// ── Paris local time ↔ ISO instants ──────────────────────────────────────────────────────────────

function parisParts(instant: Date): Record<string, number> {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(instant);
  return Object.fromEntries(parts.filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
}

/** "2027-01-15T12:00" typed in a datetime-local field, read as Paris time → an ISO instant (UTC). */
export function parisLocalToIso(local: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(local.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '12', mi = '00'] = match;
  const wanted = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  if (Number.isNaN(wanted)) return undefined;
  // Paris is UTC+1 or UTC+2: correct the guess by the offset seen at that instant, twice for DST edges.
  let instant = wanted;
  for (let i = 0; i < 2; i++) {
    const p = parisParts(new Date(instant));
    const seen = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    instant += wanted - seen;
  }
  return new Date(instant).toISOString();
}

/** An ISO instant → "YYYY-MM-DDTHH:mm" in Paris time, for a datetime-local field. */
export function isoToParisLocal(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const p = parisParts(date);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

// ── values ───────────────────────────────────────────────────────────────────────────────────────

const percentText = (fraction: number | undefined | null) => (fraction === undefined || fraction === null ? '' : String(Math.round(fraction * 100_000) / 1000));
const numberText = (value: number | undefined | null) => (value === undefined || value === null ? '' : String(value));

function blankWorkPackages(count = EXTRA_WORK_PACKAGE_ROWS): WorkPackageValues[] {
  return Array.from({ length: count }, () => ({ code: '', title: '', share: '' }));
}

export function emptyLot(number: number): LotValues {
  return {
    number: String(number),
    title: '',
    description: '',
    cpvCodes: '',
    sector: '',
    estimatedAmountEur: '',
    prestationType: 'PREST',
    reservation: 'NONE',
    socialClauseType: '',
    insertionHours: '',
    labourShare: '',
    insertionRate: '',
    hourlyCostEur: '',
    workPackages: blankWorkPackages(),
  };
}

export function emptyTenderValues(buyerName = ''): TenderFormValues {
  return {
    title: '',
    description: '',
    buyerName,
    buyerKind: 'public',
    buyerSiret: '',
    cpvCodes: '',
    executionCommune: '',
    responseDeadline: '',
    startDate: '',
    durationMonths: '12',
    multipleBidsForbidden: false,
    mandataireSolidaireRequired: false,
    lots: [emptyLot(1)],
  };
}

/** The parts of a TenderView the form edits. */
export interface EditableTender {
  title: string;
  description: string | null;
  buyer: { name: string; kind: 'public' | 'private'; siret?: string };
  cpvCodes: string[];
  executionCommuneCode: string | null;
  responseDeadline: string | null;
  startDate: string | null;
  durationMonths: number | null;
  multipleBidsForbidden: boolean;
  mandataireSolidaireRequired: boolean;
  lots: {
    number: number;
    title: string;
    description: string | null;
    cpvCodes: string[];
    sectors: string[];
    estimatedAmountEur: number | null;
    prestationType: string;
    reservation: string;
    socialClause: { type: string; insertionHours?: number; labourShare?: number; insertionRate?: number; hourlyCostEur?: number } | null;
    workPackages: { code: string; title: string; share: number }[];
  }[];
}

export function tenderFormValues(tender: EditableTender, reference: ReferenceLookup): TenderFormValues {
  const commune = tender.executionCommuneCode ? reference.commune(tender.executionCommuneCode) : undefined;
  return {
    title: tender.title,
    description: tender.description ?? '',
    buyerName: tender.buyer.name,
    buyerKind: tender.buyer.kind,
    buyerSiret: tender.buyer.siret ?? '',
    cpvCodes: tender.cpvCodes.join(', '),
    executionCommune: commune ? communeLabel(commune) : '',
    responseDeadline: isoToParisLocal(tender.responseDeadline),
    startDate: tender.startDate ?? '',
    durationMonths: numberText(tender.durationMonths),
    multipleBidsForbidden: tender.multipleBidsForbidden,
    mandataireSolidaireRequired: tender.mandataireSolidaireRequired,
    lots: tender.lots.map((lot) => ({
      number: String(lot.number),
      title: lot.title,
      description: lot.description ?? '',
      cpvCodes: lot.cpvCodes.join(', '),
      sector: lot.sectors[0] ?? '',
      estimatedAmountEur: numberText(lot.estimatedAmountEur),
      prestationType: lot.prestationType,
      reservation: lot.reservation,
      socialClauseType: lot.socialClause?.type ?? '',
      insertionHours: numberText(lot.socialClause?.insertionHours),
      labourShare: percentText(lot.socialClause?.labourShare),
      insertionRate: percentText(lot.socialClause?.insertionRate),
      hourlyCostEur: numberText(lot.socialClause?.hourlyCostEur),
      workPackages: [...lot.workPackages.map((wp) => ({ code: wp.code, title: wp.title, share: percentText(wp.share) })), ...blankWorkPackages()],
    })),
  };
}

// ── parsing ──────────────────────────────────────────────────────────────────────────────────────

/** "45000000, 90910000-9 ; 77310000" → codes as typed (the service checks they exist). */
export function splitCodes(raw: string): string[] {
  return [...new Set(raw.split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean))];
}

export interface ParsedTenderForm {
  action: TenderFormAction;
  /** For "remove-lot": the index of the lot to remove. */
  actionIndex?: number;
  values: TenderFormValues;
  body: Record<string, unknown>;
  errors: FieldError[];
}

function parseLot(input: FormBody, reference: ReferenceLookup): { values: LotValues; body: Record<string, unknown>; cpvErrors: string[] } {
  const clause = group(input, 'socialClause');
  const workPackages = indexedGroups(input, 'workPackages').map((wp) => ({ code: text(wp, 'code'), title: text(wp, 'title'), share: text(wp, 'share') }));
  const filled = workPackages.filter((wp) => wp.code || wp.title || wp.share);
  const values: LotValues = {
    number: text(input, 'number'),
    title: text(input, 'title'),
    description: text(input, 'description'),
    cpvCodes: text(input, 'cpvCodes'),
    sector: text(input, 'sector'),
    estimatedAmountEur: text(input, 'estimatedAmountEur'),
    prestationType: text(input, 'prestationType') || 'PREST',
    reservation: text(input, 'reservation') || 'NONE',
    socialClauseType: text(clause, 'type'),
    insertionHours: text(clause, 'insertionHours'),
    labourShare: text(clause, 'labourShare'),
    insertionRate: text(clause, 'insertionRate'),
    hourlyCostEur: text(clause, 'hourlyCostEur'),
    workPackages: [...filled, ...blankWorkPackages()],
  };
  const numberValue = /^\d+$/.test(values.number) ? Number(values.number) : Number.NaN;
  const lotCpv = resolveCpvEntries(values.cpvCodes, reference);
  const body = compact({
    number: numberValue,
    title: values.title,
    description: optionalText(input, 'description'),
    cpvCodes: lotCpv.codes.length ? lotCpv.codes : undefined,
    sectors: values.sector ? [values.sector] : undefined,
    estimatedAmountEur: numberField(input, 'estimatedAmountEur') ?? Number.NaN,
    prestationType: values.prestationType,
    reservation: values.reservation,
    socialClause: values.socialClauseType
      ? compact({
          type: values.socialClauseType,
          insertionHours: numberField(clause, 'insertionHours'),
          labourShare: percentField(clause, 'labourShare'),
          insertionRate: percentField(clause, 'insertionRate'),
          hourlyCostEur: numberField(clause, 'hourlyCostEur'),
        })
      : undefined,
    workPackages: filled.length
      ? filled.map((wp) => ({ code: wp.code, title: wp.title, share: percentField(wp, 'share') ?? Number.NaN }))
      : undefined,
  });
  return { values, body, cpvErrors: lotCpv.errors };
}

export function parseTenderForm(input: FormBody, reference: ReferenceLookup): ParsedTenderForm {
  const buyer = group(input, 'buyer');
  const rawAction = text(input, 'action');
  const [actionName, actionArg] = rawAction.split(':');
  const action = (TENDER_ACTIONS as readonly string[]).includes(actionName) ? (actionName as TenderFormAction) : 'save';
  const lots = indexedGroups(input, 'lots').map((lot) => parseLot(lot, reference));
  const values: TenderFormValues = {
    title: text(input, 'title'),
    description: text(input, 'description'),
    buyerName: text(buyer, 'name'),
    buyerKind: text(buyer, 'kind') || 'public',
    buyerSiret: text(buyer, 'siret'),
    cpvCodes: text(input, 'cpvCodes'),
    executionCommune: text(input, 'executionCommune'),
    responseDeadline: text(input, 'responseDeadline'),
    startDate: text(input, 'startDate'),
    durationMonths: text(input, 'durationMonths'),
    multipleBidsForbidden: checked(input, 'multipleBidsForbidden'),
    mandataireSolidaireRequired: checked(input, 'mandataireSolidaireRequired'),
    lots: lots.map((l) => l.values),
  };
  if (!values.lots.length) values.lots.push(emptyLot(1));

  const errors: FieldError[] = [];
  const place = resolvePlace(values.executionCommune, reference);
  if (!values.executionCommune) errors.push({ field: 'executionCommune', message: 'Indiquez la commune où le marché sera exécuté' });
  else if (place.error) errors.push({ field: 'executionCommune', message: place.error });
  if (place.commune) values.executionCommune = communeLabel(place.commune);
  const deadline = values.responseDeadline ? parisLocalToIso(values.responseDeadline) : undefined;
  if (values.responseDeadline && !deadline) errors.push({ field: 'responseDeadline', message: 'Date invalide (jj/mm/aaaa et heure)' });
  if (!values.responseDeadline) errors.push({ field: 'responseDeadline', message: 'Indiquez la date limite de réponse' });
  const duration = /^\d+$/.test(values.durationMonths) ? Number(values.durationMonths) : Number.NaN;
  const tenderCpv = resolveCpvEntries(values.cpvCodes, reference);
  if (tenderCpv.errors.length) errors.push({ field: 'cpvCodes', message: tenderCpv.errors.join(' ; ') });
  lots.forEach((lot, i) => {
    if (lot.cpvErrors.length) errors.push({ field: `lots[${i}].cpvCodes`, message: lot.cpvErrors.join(' ; ') });
  });

  const body = compact({
    title: values.title,
    description: values.description || undefined,
    buyer: compact({ name: values.buyerName, kind: values.buyerKind, siret: values.buyerSiret || undefined }),
    cpvCodes: tenderCpv.codes,
    executionCommuneCode: place.commune?.code ?? (values.executionCommune || ''),
    responseDeadline: deadline ?? values.responseDeadline,
    startDate: values.startDate || undefined,
    durationMonths: duration,
    multipleBidsForbidden: values.multipleBidsForbidden,
    mandataireSolidaireRequired: values.mandataireSolidaireRequired,
    lots: lots.map((l) => l.body),
  });
  const index = actionArg !== undefined && /^\d+$/.test(actionArg) ? Number(actionArg) : undefined;
  return { action, ...(index !== undefined ? { actionIndex: index } : {}), values, body, errors };
}

/** "Add a lot" and "remove a lot" only change the form: nothing is validated or saved. */
export function applyLotAction(values: TenderFormValues, action: TenderFormAction, index?: number): TenderFormValues {
  if (action === 'add-lot') {
    const next = Math.max(0, ...values.lots.map((l) => Number(l.number) || 0)) + 1;
    return { ...values, lots: [...values.lots, emptyLot(next)] };
  }
  if (action === 'remove-lot' && index !== undefined && values.lots.length > 1) {
    return { ...values, lots: values.lots.filter((_, i) => i !== index) };
  }
  return values;
}

/**
 * The API's error paths onto the form's inputs: the commune text field, the single sector select of a
 * lot, code lists as one text field.
 */
export function tenderErrorsOnForm(errors: FieldError[]): FieldError[] {
  return errors.map((error) => {
    let field = error.field;
    if (field === 'executionCommuneCode') field = 'executionCommune';
    field = field.replace(/^cpvCodes\[\d+\]$/, 'cpvCodes');
    field = field.replace(/^lots\[(\d+)\]\.sectors(\[\d+\])?$/, 'lots[$1].sector');
    field = field.replace(/^lots\[(\d+)\]\.cpvCodes\[\d+\]$/, 'lots[$1].cpvCodes');
    field = field.replace(/^lots\[(\d+)\]\.socialClause\.type$/, 'lots[$1].socialClause.type');
    return field === error.field ? error : { ...error, field };
  });
}

export const TENDER_FIELD_LABELS: Record<string, string> = {
  title: 'Intitulé',
  description: 'Description',
  'buyer.name': 'Acheteur',
  'buyer.kind': 'Type d’acheteur',
  'buyer.siret': 'SIRET de l’acheteur',
  cpvCodes: 'Activité (codes CPV)',
  executionCommune: 'Commune d’exécution',
  responseDeadline: 'Date limite de réponse',
  startDate: 'Début d’exécution',
  durationMonths: 'Durée',
  lots: 'Lots',
  'lots[].number': 'Lot {1} – numéro',
  'lots[].title': 'Lot {1} – intitulé',
  'lots[].description': 'Lot {1} – description',
  'lots[].cpvCodes': 'Lot {1} – activité (CPV)',
  'lots[].sector': 'Lot {1} – secteur',
  'lots[].estimatedAmountEur': 'Lot {1} – montant estimé',
  'lots[].prestationType': 'Lot {1} – type de prestation',
  'lots[].reservation': 'Lot {1} – réservation',
  'lots[].socialClause.type': 'Lot {1} – clause sociale',
  'lots[].socialClause.insertionHours': 'Lot {1} – heures d’insertion',
  'lots[].socialClause.labourShare': 'Lot {1} – part de main-d’œuvre',
  'lots[].socialClause.insertionRate': 'Lot {1} – taux d’insertion',
  'lots[].socialClause.hourlyCostEur': 'Lot {1} – coût horaire',
  'lots[].workPackages': 'Lot {1} – parts des prestations',
  'lots[].workPackages[].code': 'Lot {1}, prestation {2} – code',
  'lots[].workPackages[].title': 'Lot {1}, prestation {2} – intitulé',
  'lots[].workPackages[].share': 'Lot {1}, prestation {2} – part',
};
