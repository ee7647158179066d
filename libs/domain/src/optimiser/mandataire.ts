// V2 (R2142-23/24): exactly one mandataire, a member. Chosen after the MIP — the choice does not
// change the objective — by role first (a staff provider coordinates nothing, V21), then by the
// capacity to carry its liability (V8, R2142-25 Commune de Rouen), then by the share performed.
import { NOT_NATURAL_MANDATAIRE_KINDS } from './defaults';
import { euros, percent, structureLabel } from './french';
import type { Instance } from './instance';
import type { Evaluation, Solution } from './objective';

export interface MandataireChoice {
  member: number; // candidate index
  explanation: string;
  warnings: string[];
}

interface Contender {
  member: number;
  amountEur: number;
  revenueEur: number | undefined;
  liabilityEur: number;
  coversLiability: boolean;
  distanceKm: number;
  naturalLeader: boolean;
}

export function chooseMandataire(instance: Instance, solution: Solution, evaluation: Evaluation, mandataireSolidaire: boolean): MandataireChoice {
  const contenders = solution.members.map((member, i) => describe(instance, member, evaluation.memberAmountsEur[i], mandataireSolidaire));
  const ranked = [...contenders].sort(compareContenders);
  const chosen = ranked[0];
  return {
    member: chosen.member,
    explanation: explain(instance, chosen, contenders, mandataireSolidaire),
    warnings: liabilityWarnings(instance, chosen, mandataireSolidaire),
  };
}

function describe(instance: Instance, member: number, amountEur: number, mandataireSolidaire: boolean): Contender {
  const { candidate, distanceKm } = instance.candidates[member];
  // A solidaire mandataire answers for every member's obligations, hence for the whole amount.
  const liabilityEur = instance.assumptions.capacityFactor * (mandataireSolidaire ? instance.totalAmountEur : amountEur);
  const revenueEur = candidate.annualRevenueEur;
  return {
    member,
    amountEur,
    revenueEur,
    liabilityEur,
    coversLiability: revenueEur !== undefined && revenueEur >= liabilityEur,
    distanceKm: distanceKm ?? Number.POSITIVE_INFINITY,
    naturalLeader: !NOT_NATURAL_MANDATAIRE_KINDS.has(candidate.kind),
  };
}

function compareContenders(a: Contender, b: Contender): number {
  return (
    Number(b.naturalLeader) - Number(a.naturalLeader) ||
    Number(b.coversLiability) - Number(a.coversLiability) ||
    b.amountEur - a.amountEur ||
    (b.revenueEur ?? -1) - (a.revenueEur ?? -1) ||
    a.distanceKm - b.distanceKm ||
    a.member - b.member
  );
}

function explain(instance: Instance, chosen: Contender, all: Contender[], mandataireSolidaire: boolean): string {
  const { candidate } = instance.candidates[chosen.member];
  const reasons: string[] = [];
  const largest = all.every((c) => c.amountEur <= chosen.amountEur + 1e-6);
  const share = instance.totalAmountEur > 0 ? chosen.amountEur / instance.totalAmountEur : 0;
  if (chosen.amountEur > 0) {
    reasons.push(`${largest ? 'cette structure réalise la plus grande part' : 'cette structure réalise une part'} du marché (${percent(share)}, ${euros(chosen.amountEur)})`);
  }
  const engagement = mandataireSolidaire ? 'l’engagement solidaire' : 'sa part';
  if (chosen.revenueEur === undefined) reasons.push('son chiffre d’affaires n’est pas connu');
  else {
    const verb = chosen.coversLiability ? 'couvre' : 'ne couvre pas';
    reasons.push(`son chiffre d’affaires (${euros(chosen.revenueEur)}) ${verb} ${engagement} (${euros(chosen.liabilityEur)})`);
  }
  const staffOnly = all.filter((c) => !c.naturalLeader);
  if (chosen.naturalLeader && staffOnly.length > 0) {
    reasons.push('les structures de mise à disposition (AI, ETTI, GEIQ) ne sont pas proposées comme mandataire (V21)');
  }
  return `Mandataire : ${structureLabel(candidate.kind, candidate.name)} car ${reasons.join(' ; ')}.`;
}

function liabilityWarnings(instance: Instance, chosen: Contender, mandataireSolidaire: boolean): string[] {
  if (chosen.coversLiability || !mandataireSolidaire) return [];
  const { candidate } = instance.candidates[chosen.member];
  const label = structureLabel(candidate.kind, candidate.name);
  return [
    `Mandataire solidaire : ${label} répondrait de la défaillance de chaque membre (${euros(chosen.liabilityEur)}) ` +
      `sans chiffre d’affaires ${chosen.revenueEur === undefined ? 'connu' : 'suffisant'} pour le couvrir — risque à évaluer (R2142-24, V8).`,
  ];
}
