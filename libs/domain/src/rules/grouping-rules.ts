// Rule checks of a grouping (proposed by the matcher or formed in the bid workspace) against a tender.
// Violations block a submission; warnings are shown but never reject (UNVERIFIED rules, practice caps,
// forms required only after award). Every message is French and names its rule (domain rules §7).
import { reservationEligibility } from '../eligibility';
import type { GroupMember, Grouping, LotSpec, RuleViolation, RuleWarning, TenderSpec } from '../grouping';
import { formatEurShort, formatIntegerFr, formatPercentFr, prestationLabel } from '../labels';
import { STAFF_PROVIDER_KINDS } from '../prestation-fit';
import { GROUP_FORMS, MEMBER_ROLES, type GroupForm, type Reservation } from '../vocabulary';
import { groupingLots, insertionCoverage, memberAmounts, memberLotShare, type InsertionCoverage } from './grouping-amounts';

/** Another bid (alone or as a group) involving members of the checked grouping. Excludes the checked bid. */
export interface OtherBid {
  lot: number;
  mandataireStructureId: string; // the bidder itself for a bid alone
  memberStructureIds: string[];
}

/** Figures the grouping model does not carry, by structure id. */
export interface MemberFacts {
  name?: string;
  annualRevenueEur?: number;
  /** ACI: commercial receipts as a fraction of activity charges, before this contract (V22). */
  commercialReceiptsShare?: number;
  /** ACI: annual activity charges; the annual revenue is used as a proxy when absent (V22). */
  activityChargesEur?: number;
  /** ACI: prefect derogation raising the receipts cap from 30 % to 50 % (V22). */
  commercialReceiptsDerogation?: boolean;
}

export interface GroupingCheckContext {
  otherBidsOfMembers?: OtherBid[];
  /** The form the buyer requires after award, when it requires one (R2142-22). */
  requiredFormAfterAward?: GroupForm;
  members?: Readonly<Record<string, MemberFacts>>;
  /** Contract duration, to turn an ACI's amount into yearly receipts (V22); one year assumed when absent. */
  durationMonths?: number;
}

export interface GroupingCheckResult {
  violations: RuleViolation[];
  warnings: RuleWarning[];
}

/** V7: shares of a lot or work package must add up to 1 within this tolerance. */
export const SHARE_SUM_TOLERANCE = 0.001;
/** V19 (L5132-9): hours one AI worker may be placed in one company over 24 months, without derogation. */
export const AI_HOURS_CAP_PER_WORKER = 480;
/** V22 (D5132-34): ACI commercial receipts cap, as a share of activity charges. */
export const ACI_RECEIPTS_CAP = 0.3;
export const ACI_RECEIPTS_CAP_WITH_DEROGATION = 0.5;

const FORM_LABELS: Record<GroupForm, string> = { CONJOINT: 'conjoint', SOLIDAIRE: 'solidaire' };

interface Findings {
  violations: RuleViolation[];
  warnings: RuleWarning[];
}

/** What every check needs, computed once. */
interface CheckScope {
  grouping: Grouping;
  tender: TenderSpec;
  context: GroupingCheckContext;
  lots: LotSpec[]; // the grouping's lots that exist in the tender
  amounts: Record<string, number>;
  name: (member: GroupMember) => string;
}

function listFr(items: readonly (string | number)[]): string {
  const texts = items.map(String);
  return texts.length <= 1 ? (texts[0] ?? '') : `${texts.slice(0, -1).join(', ')} et ${texts[texts.length - 1]}`;
}

function lotsFr(numbers: readonly number[]): string {
  return `${numbers.length > 1 ? 'lots' : 'lot'} ${listFr(numbers)}`;
}

function uniqueMembers(members: readonly GroupMember[]): { member: GroupMember; index: number }[] {
  const seen = new Set<string>();
  const unique: { member: GroupMember; index: number }[] = [];
  members.forEach((member, index) => {
    if (seen.has(member.structureId)) return;
    seen.add(member.structureId);
    unique.push({ member, index });
  });
  return unique;
}

function revenueOf(scope: CheckScope, member: GroupMember): number | undefined {
  return member.annualRevenueEur ?? scope.context.members?.[member.structureId]?.annualRevenueEur;
}

/** V1 (R2142-20): the form is CONJOINT or SOLIDAIRE; a conjoint group states whether its mandataire is solidaire. */
function checkForm({ grouping }: CheckScope, found: Findings): void {
  if (!GROUP_FORMS.includes(grouping.form)) {
    found.violations.push({
      rule: 'V1',
      field: 'form',
      message: `Forme de groupement inconnue (« ${String(grouping.form)} ») : un groupement est conjoint ou solidaire (V1, R2142-20).`,
    });
  }
  if (grouping.form === 'CONJOINT' && typeof grouping.mandataireSolidaire !== 'boolean') {
    found.violations.push({
      rule: 'V1',
      field: 'mandataireSolidaire',
      message: 'Groupement conjoint : préciser si le mandataire est solidaire ou non (V1, R2142-20).',
    });
  }
}

/** V2 (R2142-23/24) and no member twice. */
function checkMembers({ grouping, name }: CheckScope, found: Findings): void {
  if (grouping.members.length === 0) {
    found.violations.push({ rule: 'V2', field: 'members', message: "Le groupement n'a aucun membre, donc aucun mandataire (V2, R2142-24)." });
    return;
  }
  const seen = new Set<string>();
  grouping.members.forEach((member, index) => {
    if (seen.has(member.structureId)) {
      found.violations.push({
        rule: 'DUPLICATE_MEMBER',
        field: `members[${index}]`,
        message: `${name(member)} figure plusieurs fois dans le groupement : chaque membre n'y figure qu'une fois.`,
      });
    }
    seen.add(member.structureId);
    if (!MEMBER_ROLES.includes(member.role)) {
      found.violations.push({
        rule: 'V2',
        field: `members[${index}].role`,
        message: `${name(member)} : rôle inconnu (« ${String(member.role)} ») ; un membre est mandataire ou cotraitant (V2).`,
      });
    }
  });
  const mandataires = uniqueMembers(grouping.members).filter(({ member }) => member.role === 'MANDATAIRE');
  if (mandataires.length === 0) {
    found.violations.push({
      rule: 'V2',
      field: 'mandataireStructureId',
      message:
        "Aucun mandataire désigné : un membre doit être désigné mandataire dans la candidature et l'offre ; son absence est un vice substantiel (V2, R2142-24, CE 28/04/2006 n°283942).",
    });
  } else if (mandataires.length > 1) {
    found.violations.push({
      rule: 'V2',
      field: 'mandataireStructureId',
      message: `Plusieurs mandataires désignés (${listFr(mandataires.map(({ member }) => name(member)))}) : un groupement a un seul mandataire (V2, R2142-24).`,
    });
  }
}

function soleMandataire(grouping: Grouping): GroupMember | undefined {
  const mandataires = uniqueMembers(grouping.members).filter(({ member }) => member.role === 'MANDATAIRE');
  return mandataires.length === 1 ? mandataires[0].member : undefined;
}

/** V3 (R2142-23) and V4 (R2142-21, R2151-7), lot by lot since each lot is its own contract. */
function checkOtherBids(scope: CheckScope, found: Findings): void {
  const { grouping, tender, context, name } = scope;
  const lotNumbers = new Set(grouping.lots);
  const mandataire = soleMandataire(grouping);
  const reportedV4 = new Set<string>();
  for (const bid of context.otherBidsOfMembers ?? []) {
    if (!lotNumbers.has(bid.lot)) continue;
    const participants = new Set([bid.mandataireStructureId, ...bid.memberStructureIds]);
    const isGroup = participants.size > 1;
    if (isGroup && mandataire !== undefined && bid.mandataireStructureId === mandataire.structureId) {
      found.violations.push({
        rule: 'V3',
        field: 'mandataireStructureId',
        message: `${name(mandataire)} est déjà mandataire d'un autre groupement sur le lot ${bid.lot} : un opérateur ne peut être mandataire que d'un seul groupement par lot (V3, R2142-23).`,
      });
    }
    if (!tender.multipleBidsForbidden) continue; // multiple appearances are allowed by default (TA Lyon 26/02/2025)
    grouping.members.forEach((member, index) => {
      const key = `${member.structureId}|${bid.lot}`;
      if (!participants.has(member.structureId) || reportedV4.has(key)) return;
      reportedV4.add(key);
      found.violations.push({
        rule: 'V4',
        field: `members[${index}]`,
        message: `${name(member)} participe déjà à une autre offre sur le lot ${bid.lot}, alors que le règlement de la consultation interdit les offres multiples (V4, R2142-21, R2151-7).`,
      });
    });
  }
}

/** V5 (R2142-24): a required mandataire solidaire. */
function checkMandataireSolidaire({ grouping, tender }: CheckScope, found: Findings): void {
  if (tender.mandataireSolidaireRequired && grouping.form === 'CONJOINT' && grouping.mandataireSolidaire !== true) {
    found.violations.push({
      rule: 'V5',
      field: 'mandataireSolidaire',
      message: "L'acheteur exige un mandataire solidaire : dans un groupement conjoint, le mandataire doit être solidaire de chacun des membres (V5, R2142-24).",
    });
  }
}

/** V6 (R2142-22): a form required after award is never a reason to reject. */
function checkFormAfterAward({ grouping, context }: CheckScope, found: Findings): void {
  const required = context.requiredFormAfterAward;
  if (required === undefined || required === grouping.form) return;
  found.warnings.push({
    rule: 'V6',
    message: `L'acheteur exige un groupement ${FORM_LABELS[required]} après l'attribution : s'il est retenu, le groupement devra le devenir. Ce n'est pas un motif de rejet de l'offre (V6, R2142-22).`,
  });
}

interface ShareTally {
  sum: number;
  holders: Set<string>;
}

/** V7 (R2142-20, CE 12/10/2023 n°462994): every lot of the grouping fully and validly shared out. */
function checkAssignments(scope: CheckScope, found: Findings): void {
  const { grouping, tender, name } = scope;
  if (grouping.lots.length === 0) {
    found.violations.push({ rule: 'V7', field: 'lots', message: 'Le groupement ne porte sur aucun lot (V7).' });
  }
  const listed = new Set<number>();
  for (const number of grouping.lots) {
    if (listed.has(number)) {
      found.violations.push({ rule: 'V7', field: 'lots', message: `Le lot ${number} est indiqué deux fois (V7).` });
    } else if (!tender.lots.some((lot) => lot.number === number)) {
      found.violations.push({ rule: 'V7', field: 'lots', message: `Le lot ${number} n'existe pas dans ce marché (V7).` });
    }
    listed.add(number);
  }

  const tallies = new Map<string, ShareTally>(); // key: "lot|workPackage"
  grouping.members.forEach((member, memberIndex) => {
    member.assignments.forEach((assignment, assignmentIndex) => {
      const field = `members[${memberIndex}].assignments[${assignmentIndex}]`;
      const fail = (message: string): void => void found.violations.push({ rule: 'V7', field, message: `${name(member)} : ${message}` });
      if (!listed.has(assignment.lot)) return fail(`part attribuée sur le lot ${assignment.lot}, qui ne fait pas partie du groupement (V7).`);
      const lot = scope.lots.find((candidate) => candidate.number === assignment.lot);
      if (lot === undefined) return; // unknown lot, already reported
      if (!Number.isFinite(assignment.share) || assignment.share <= 0 || assignment.share > 1) {
        return fail(`part invalide sur le lot ${lot.number} (${String(assignment.share)}) : une part est comprise entre 0 exclu et 1 (V7).`);
      }
      if (lot.workPackages.length > 0 && assignment.workPackage === undefined) {
        return fail(`le lot ${lot.number} est découpé en prestations : préciser laquelle est attribuée (V7).`);
      }
      if (lot.workPackages.length === 0 && assignment.workPackage !== undefined) {
        return fail(`le lot ${lot.number} n'est pas découpé en prestations (« ${assignment.workPackage} ») (V7).`);
      }
      if (assignment.workPackage !== undefined && !lot.workPackages.some((wp) => wp.code === assignment.workPackage)) {
        return fail(`le lot ${lot.number} n'a pas de prestation « ${assignment.workPackage} » (V7).`);
      }
      const key = `${lot.number}|${assignment.workPackage ?? ''}`;
      const tally = tallies.get(key) ?? { sum: 0, holders: new Set<string>() };
      tally.sum += assignment.share;
      tally.holders.add(member.structureId);
      tallies.set(key, tally);
    });
  });

  for (const lot of scope.lots) {
    const units = lot.workPackages.length > 0 ? lot.workPackages.map((wp) => ({ code: wp.code, title: wp.title ?? wp.code })) : [{ code: '', title: '' }];
    for (const unit of units) {
      const tally = tallies.get(`${lot.number}|${unit.code}`) ?? { sum: 0, holders: new Set<string>() };
      const where = unit.code === '' ? `Lot ${lot.number}` : `Lot ${lot.number}, prestation « ${unit.title} »`;
      if (Math.abs(tally.sum - 1) > SHARE_SUM_TOLERANCE) {
        found.violations.push({
          rule: 'V7',
          field: 'assignments',
          message: `${where} : les parts des membres totalisent ${formatPercentFr(tally.sum)} au lieu de 100 % ; tout le lot doit être réparti (V7).`,
        });
      }
      if (grouping.form === 'CONJOINT' && tally.holders.size > 1) {
        const holders = uniqueMembers(grouping.members).filter(({ member }) => tally.holders.has(member.structureId));
        found.warnings.push({
          rule: 'V7',
          message: `${where} : partagé entre ${listFr(holders.map(({ member }) => name(member)))}. Dans un groupement conjoint, si l'acte d'engagement ne détaille pas qui exécute quoi, chaque membre est engagé pour l'ensemble (V7, CE 12/10/2023 n°462994).`,
        });
      }
    }
  }
}

/** V13 (L2113-12/13/14, DAJ fiche 23/09/2011), V16: every member eligible for every reservation, work or not. */
function checkReservations(scope: CheckScope, found: Findings): void {
  const byReservation = new Map<Reservation, number[]>();
  for (const lot of scope.lots) {
    if (lot.reservation === 'NONE') continue;
    byReservation.set(lot.reservation, [...(byReservation.get(lot.reservation) ?? []), lot.number]);
  }
  for (const [reservation, lotNumbers] of byReservation) {
    for (const { member, index } of uniqueMembers(scope.grouping.members)) {
      const eligibility = reservationEligibility(member.kind, reservation);
      const head = `Réservation ${reservation} (${lotsFr(lotNumbers)})`;
      if (eligibility.status === 'excluded') {
        found.violations.push({
          rule: 'V13',
          field: `members[${index}]`,
          message: `${head} : ${scope.name(member)} ne peut pas faire partie du groupement. ${eligibility.reason} Tous les membres doivent être éligibles, même sans part sur ce lot (V13).`,
        });
      } else if (eligibility.status === 'uncertain') {
        found.warnings.push({ rule: reservation === 'L2113-15' ? 'V16' : 'V13', message: `${head} : éligibilité de ${scope.name(member)} à vérifier. ${eligibility.reason}` });
      }
    }
  }
}

/** V8 (R2142-25): capacities are assessed globally in a solidaire group, per member's own share in a conjoint one. */
function checkCapacity(scope: CheckScope, found: Findings): void {
  const { grouping, name } = scope;
  const total = scope.lots.reduce((sum, lot) => sum + lot.estimatedAmountEur, 0);
  if (total <= 0) return;
  const members = uniqueMembers(grouping.members).map(({ member }) => member);
  const buyerLimit = "l'acheteur peut exiger un chiffre d'affaires annuel minimal jusqu'à 1,5 fois le montant estimé (depuis 2026)";

  if (grouping.form === 'SOLIDAIRE') {
    const known = members.filter((m) => revenueOf(scope, m) !== undefined);
    const unknown = members.filter((m) => revenueOf(scope, m) === undefined);
    const sum = known.reduce((acc, m) => acc + (revenueOf(scope, m) ?? 0), 0);
    if (known.length === 0 || sum >= total) return; // no figure at all: nothing to assess
    const missing = unknown.length > 0 ? ` (chiffre d'affaires inconnu pour ${listFr(unknown.map(name))})` : '';
    found.warnings.push({
      rule: 'V8',
      message: `Capacité : chiffre d'affaires cumulé des membres de ${formatEurShort(sum)}${missing} pour ${formatEurShort(total)} de lots ; les capacités s'apprécient globalement, mais ${buyerLimit} (V8, R2142-25).`,
    });
    return;
  }

  for (const member of members) {
    const revenue = revenueOf(scope, member);
    const amount = scope.amounts[member.structureId] ?? 0;
    if (revenue !== undefined && amount > 0 && revenue < amount) {
      found.warnings.push({
        rule: 'V8',
        message: `Capacité : ${name(member)} réalise un chiffre d'affaires de ${formatEurShort(revenue)} pour une part de ${formatEurShort(amount)} ; dans un groupement conjoint chacun s'engage sur ses prestations, et ${buyerLimit} (V8, R2142-25).`,
      });
    }
  }
  const mandataire = soleMandataire(grouping);
  const mandataireRevenue = mandataire === undefined ? undefined : revenueOf(scope, mandataire);
  if (grouping.mandataireSolidaire && mandataire !== undefined && mandataireRevenue !== undefined && mandataireRevenue < total) {
    found.warnings.push({
      rule: 'V8',
      message: `Mandataire solidaire : ${name(mandataire)} répond de la défaillance des autres membres sur ${formatEurShort(total)}, au-delà de son chiffre d'affaires de ${formatEurShort(mandataireRevenue)} — un risque lourd pour une petite structure (V8, R2142-24).`,
    });
  }
}

/** V18: hours the members do not cover must come from the titulaire's direct hiring. */
function checkInsertionCoverage(found: Findings, coverage: InsertionCoverage): void {
  if (coverage.requiredHours === 0 || coverage.coveredHours >= coverage.requiredHours) return;
  found.warnings.push({
    rule: 'V18',
    message: `Heures d'insertion : ${formatIntegerFr(coverage.coveredHours)} h couvertes par les membres sur ${formatIntegerFr(coverage.requiredHours)} h demandées ; le reste devra venir d'embauches directes de publics éligibles ou d'une mise à disposition par une AI, une ETTI, un GEIQ ou une EATT (V18).`,
  });
}

/** V19 (L5132-9): one AI worker ≤ 480 h in one company over 24 months, unless the prefect derogates. */
function checkAiHoursCap(scope: CheckScope, found: Findings, coverage: InsertionCoverage): void {
  for (const { member } of uniqueMembers(scope.grouping.members)) {
    const hours = coverage.byMember[member.structureId] ?? 0;
    if (member.kind !== 'AI' || hours <= AI_HOURS_CAP_PER_WORKER) continue;
    const workers = Math.ceil(hours / AI_HOURS_CAP_PER_WORKER);
    found.warnings.push({
      rule: 'V19',
      message: `${scope.name(member)} : ${formatIntegerFr(hours)} h d'insertion à fournir, alors qu'un même salarié d'AI ne peut être mis à disposition d'une même entreprise plus de 480 h sur 24 mois (V19, L5132-9) : prévoir au moins ${workers} salariés, sauf dérogation.`,
    });
  }
}

/** V20 (GEIQ rules): a GEIQ provides staff only to its member firms. */
function checkGeiq(scope: CheckScope, found: Findings): void {
  for (const { member } of uniqueMembers(scope.grouping.members)) {
    if (member.kind !== 'GEIQ') continue;
    found.warnings.push({
      rule: 'V20',
      message: `${scope.name(member)} ne peut mettre ses salariés à disposition que d'entreprises adhérentes du GEIQ : vérifier que le titulaire concerné l'est (V20).`,
    });
  }
}

/** V21: AI, ETTI and GEIQ provide staff to the titulaire; they do not perform service or supply lots. */
function checkStaffProvidersRole(scope: CheckScope, found: Findings): void {
  for (const { member } of uniqueMembers(scope.grouping.members)) {
    if (!STAFF_PROVIDER_KINDS.includes(member.kind)) continue;
    const performedLots = scope.lots.filter((lot) => lot.prestationType !== 'DISP' && memberLotShare(member, lot) > 0);
    if (performedLots.length === 0) continue;
    const types = listFr([...new Set(performedLots.map((lot) => prestationLabel(lot.prestationType)))]);
    found.warnings.push({
      rule: 'V21',
      message: `${scope.name(member)} exécute une part du ${lotsFr(performedLots.map((lot) => lot.number))} (${types}) : une AI, une ETTI ou un GEIQ se propose plutôt en mise à disposition de personnel auprès du titulaire qu'en cotraitant (V21).`,
    });
  }
}

/** V22 (D5132-34): an ACI's commercial receipts stay under 30 % of its activity charges (50 % with derogation). */
function checkAciReceipts(scope: CheckScope, found: Findings): void {
  const months = scope.context.durationMonths;
  for (const { member } of uniqueMembers(scope.grouping.members)) {
    const amount = scope.amounts[member.structureId] ?? 0;
    if (member.kind !== 'ACI' || amount <= 0) continue;
    const facts = scope.context.members?.[member.structureId] ?? {};
    const derogation = facts.commercialReceiptsDerogation === true;
    const cap = derogation ? ACI_RECEIPTS_CAP_WITH_DEROGATION : ACI_RECEIPTS_CAP;
    const capText = derogation ? '50 % (dérogation du préfet)' : '30 % (50 % avec dérogation du préfet)';
    const capOfCharges = derogation
      ? "50 % de ses charges d'activité (dérogation du préfet)"
      : "30 % de ses charges d'activité (50 % avec dérogation du préfet)";
    const yearly = months !== undefined && months > 12 ? (amount * 12) / months : amount;
    // INFERENCE: an ACI runs close to break-even, so its annual revenue approximates its charges.
    const charges = facts.activityChargesEur ?? revenueOf(scope, member);
    const share = facts.commercialReceiptsShare;
    const subject = `${scope.name(member)}, pour une part de ${formatEurShort(amount)}`;
    if (share === undefined || charges === undefined || charges <= 0) {
      const known = share === undefined ? '' : ` (actuellement ${formatPercentFr(share)})`;
      found.warnings.push({
        rule: 'V22',
        message: `${subject} : vérifier que ses recettes commerciales${known} restent sous ${capOfCharges} ; ses chiffres ne sont pas renseignés (V22, D5132-34).`,
      });
      continue;
    }
    const projected = share + yearly / charges;
    if (projected > cap) {
      found.warnings.push({
        rule: 'V22',
        message: `${subject} : ses recettes commerciales atteindraient environ ${formatPercentFr(projected, 0)} de ses charges d'activité, au-delà du plafond de ${capText} (V22, D5132-34).`,
      });
    }
  }
}

/**
 * Checks a grouping against the tender: V1, V2, V3, V4, V5, V7, V13 and duplicate members as violations;
 * V6, V7 (split not detailed), V8, V13/V16 (uncertain eligibility), V18, V19, V20, V21, V22 as warnings.
 */
export function checkGrouping(grouping: Grouping, tender: TenderSpec, context: GroupingCheckContext = {}): GroupingCheckResult {
  const scope: CheckScope = {
    grouping,
    tender,
    context,
    lots: groupingLots(grouping, tender),
    amounts: memberAmounts(grouping, tender),
    name: (member) => `« ${context.members?.[member.structureId]?.name ?? member.structureId} » (${member.kind})`,
  };
  const found: Findings = { violations: [], warnings: [] };
  const coverage = insertionCoverage(grouping, tender);

  checkForm(scope, found);
  checkMembers(scope, found);
  checkOtherBids(scope, found);
  checkMandataireSolidaire(scope, found);
  checkFormAfterAward(scope, found);
  checkAssignments(scope, found);
  checkReservations(scope, found);
  checkCapacity(scope, found);
  checkInsertionCoverage(found, coverage);
  checkAiHoursCap(scope, found, coverage);
  checkGeiq(scope, found);
  checkStaffProvidersRole(scope, found);
  checkAciReceipts(scope, found);
  return found;
}
