// Warnings attached to a proposal: what users must see although it is not a rejection
// (UNVERIFIED eligibility, practice caps, facts the matcher cannot check).
import { ACI_RECEIPTS_CAP, ACI_RECEIPTS_CAP_WITH_DEROGATION, AI_HOURS_CAP_PER_WORKER } from '../rules/grouping-rules';
import { capitalise, enumerate, euros, hours, percent, structureLabel } from './french';
import type { Instance, InstanceCandidate } from './instance';
import type { Evaluation, Solution } from './objective';

export interface WarningContext {
  instance: Instance;
  solution: Solution;
  evaluation: Evaluation;
  /** Insertion hours credited to each member, aligned with solution.members. */
  memberInsertionHours: number[];
}

export function proposalWarnings(context: WarningContext): string[] {
  return [
    ...uncertainEligibilityWarnings(context),
    ...undeclaredOpennessWarnings(context),
    ...staffProviderWarnings(context),
    ...aciReceiptsWarnings(context),
    ...uncoveredHoursWarnings(context),
    ...capacityWarnings(context),
    ...formWarnings(context),
  ];
}

function label(candidate: InstanceCandidate): string {
  return structureLabel(candidate.candidate.kind, candidate.candidate.name);
}

function membersOf({ instance, solution }: WarningContext): InstanceCandidate[] {
  return solution.members.map((m) => instance.candidates[m]);
}

/** V13: EITI / EATT / ESS eligibility is UNVERIFIED — shown, never silently rejected. */
function uncertainEligibilityWarnings(context: WarningContext): string[] {
  return membersOf(context)
    .filter((c) => c.uncertainEligibility.length > 0)
    .map((c) => `Éligibilité incertaine de ${label(c)} au lot réservé : ${[...new Set(c.uncertainEligibility)].join(' ; ')} (V13).`);
}

/** Register rows their owner never updated say nothing of co-contracting: the user must ask before counting on them. */
function undeclaredOpennessWarnings(context: WarningContext): string[] {
  const undeclared = membersOf(context).filter((c) => c.candidate.openToCoContracting === 'undeclared');
  if (undeclared.length === 0) return [];
  return [`${capitalise(enumerate(undeclared.map(label)))} n’${undeclared.length > 1 ? 'ont' : 'a'} pas encore déclaré ${undeclared.length > 1 ? 'leur' : 'son'} ouverture à la cotraitance (fiche issue du registre, pas encore mise à jour par la structure) : à contacter avant de constituer le groupement.`];
}

/** V19 (AI 480 h cap per worker and company) and V20 (GEIQ provides staff to its member firms only). */
function staffProviderWarnings(context: WarningContext): string[] {
  const warnings: string[] = [];
  context.solution.members.forEach((m, i) => {
    const c = context.instance.candidates[m];
    const provided = context.memberInsertionHours[i];
    if (c.candidate.kind === 'AI') {
      const workers = Math.max(1, Math.ceil(provided / AI_HOURS_CAP_PER_WORKER));
      const volume = provided > 0 ? ` Pour ${hours(provided)}, prévoir au moins ${workers} salarié(s) mis à disposition ou une dérogation préfectorale.` : '';
      warnings.push(
        `${capitalise(label(c))} : un même salarié ne peut être mis à disposition d’une même entreprise plus de ` +
          `${AI_HOURS_CAP_PER_WORKER} h sur 24 mois (L5132-9, V19).${volume}`,
      );
    }
    if (c.candidate.kind === 'GEIQ') {
      warnings.push(`${capitalise(label(c))} ne met du personnel à disposition que de ses entreprises adhérentes (V20) : adhésion à vérifier.`);
    }
  });
  return warnings;
}

/** V22 (D5132-34): an ACI's commercial receipts are capped at 30 % of its charges (50 % on derogation). */
function aciReceiptsWarnings(context: WarningContext): string[] {
  return membersOf(context)
    .filter((c) => c.candidate.kind === 'ACI' && (c.candidate.commercialReceiptsShare ?? 0) > ACI_RECEIPTS_CAP)
    .map((c) => {
      const share = c.candidate.commercialReceiptsShare ?? 0;
      const beyond = share > ACI_RECEIPTS_CAP_WITH_DEROGATION ? ', au-delà même du plafond dérogatoire de 50 %' : '';
      return (
        `${capitalise(label(c))} : recettes commerciales à ${percent(share)} des charges${beyond} ; ` +
        `ce marché peut dépasser le plafond de 30 % (50 % sur dérogation du préfet) — à vérifier avec la structure (D5132-34, V22).`
      );
    });
}

function uncoveredHoursWarnings({ instance, evaluation }: WarningContext): string[] {
  return instance.lots
    .map((lot, l) => ({ lot, coverage: evaluation.coverage[l] }))
    .filter(({ coverage }) => coverage.requiredHours > 0 && coverage.coveredHours < coverage.requiredHours - 0.5)
    .map(
      ({ lot, coverage }) =>
        `Heures d’insertion du lot ${lot.number} non entièrement couvertes : ${hours(coverage.coveredHours)} sur ` +
        `${hours(coverage.requiredHours)} — compléter par embauche directe, mise à disposition (AI, ETTI, GEIQ) ou ` +
        'sous-traitance à une SIAE, une EA ou un ESAT (V18).',
    );
}

/** V8: capacity is checked on the data we have; missing turnover is reported, not guessed. */
function capacityWarnings({ instance, solution, evaluation }: WarningContext): string[] {
  const warnings: string[] = [];
  const { capacity } = evaluation;
  const unknown = capacity.unknownRevenueMembers.map((m) => label(instance.candidates[m]));
  if (unknown.length > 0) warnings.push(`Chiffre d’affaires inconnu pour ${enumerate(unknown)} : capacité financière non vérifiée (V8).`);
  if (solution.form === 'SOLIDAIRE' && capacity.shortfallEur > 0) {
    warnings.push(
      `Capacité financière cumulée (${euros(capacity.pooledRevenueEur)} de chiffre d’affaires connu) inférieure au montant ` +
        `des lots (${euros(capacity.requiredEur)}) : l’acheteur peut l’estimer insuffisante (R2142-25, V8).`,
    );
  }
  for (const m of capacity.shortMembers) {
    warnings.push(`${capitalise(label(instance.candidates[m]))} : chiffre d’affaires inférieur au montant de sa part (R2142-25, V8).`);
  }
  return warnings;
}

/** V6 (R2142-22) and V4 (R2142-21, R2151-7). */
function formWarnings({ instance, solution }: WarningContext): string[] {
  const warnings: string[] = [];
  if (solution.form === 'CONJOINT') {
    warnings.push(
      'L’acheteur ne peut pas imposer de forme à la candidature, mais peut exiger après l’attribution que le groupement ' +
        'devienne solidaire si c’est nécessaire à la bonne exécution (R2142-22, V6).',
    );
  }
  if (instance.tender.multipleBidsForbidden) {
    warnings.push('Offres multiples interdites par l’acheteur : chaque membre ne peut figurer que dans une offre par lot (R2142-21, R2151-7, V4).');
  }
  return warnings;
}
