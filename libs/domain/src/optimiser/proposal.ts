// Turns a solution (instance indexes, shares) into the contract's Proposal, with French
// explanations and warnings.
import type { Assignment, Grouping } from '../grouping';
import type { GroupForm } from '../vocabulary';
import { capitalise, enumerate, hours, percent, structureLabel } from './french';
import { attributeInsertionHours } from './insertion-attribution';
import type { Instance, LotPlan } from './instance';
import { chooseMandataire } from './mandataire';
import { type Evaluation, evaluateSolution, type Solution } from './objective';
import type { Proposal, ProposalMember } from './types';
import { proposalWarnings } from './warnings';

/** R2142-20/24, V5: SOLIDAIRE binds every member; CONJOINT binds the mandataire only when required. */
export function isMandataireSolidaire(form: GroupForm, instance: Instance): boolean {
  return form === 'SOLIDAIRE' || instance.tender.mandataireSolidaireRequired;
}

/** A proposal without its rank (ranks are given once all proposals are sorted). */
export function buildProposal(instance: Instance, solution: Solution): Proposal {
  const evaluation = evaluateSolution(instance, solution);
  const mandataireSolidaire = isMandataireSolidaire(solution.form, instance);
  const mandataire = chooseMandataire(instance, solution, evaluation, mandataireSolidaire);
  const memberInsertionHours = attributeInsertionHours(instance, solution, evaluation);
  const members = solution.members
    .map((m, i) => describeMember(instance, solution, evaluation, m, i, memberInsertionHours[i], m === mandataire.member))
    .sort(
      (a, b) =>
        Number(b.role === 'MANDATAIRE') - Number(a.role === 'MANDATAIRE') ||
        b.estimatedAmountEur - a.estimatedAmountEur ||
        a.name.localeCompare(b.name, 'fr'),
    );
  const requiredHours = evaluation.coverage.reduce((sum, c) => sum + c.requiredHours, 0);
  const coveredHours = evaluation.coverage.reduce((sum, c) => sum + c.coveredHours, 0);
  return {
    rank: 0,
    lots: instance.lots.map((l) => l.number),
    form: solution.form,
    mandataireSolidaire,
    members,
    insertion: { requiredHours: round(requiredHours, 1), coveredHours: round(coveredHours, 1) },
    score: round(evaluation.objective, 2),
    objective: evaluation.objective,
    scoreBreakdown: { ...evaluation.breakdown },
    explanations: [
      formExplanation(solution.form, mandataireSolidaire, instance),
      mandataire.explanation,
      ...instance.lots.map((lot) => lotExplanation(instance, solution, lot)),
      ...insertionExplanation(instance, solution, evaluation, memberInsertionHours),
      ...staffProviderExplanations(instance, solution),
    ],
    warnings: [...mandataire.warnings, ...proposalWarnings({ instance, solution, evaluation, memberInsertionHours })],
  };
}

/** The proposal as a Grouping, for the shared rule checks (rules/grouping-rules). */
export function proposalToGrouping(proposal: Proposal, revenueOf: (structureId: string) => number | undefined = () => undefined): Grouping {
  return {
    lots: [...proposal.lots],
    form: proposal.form,
    mandataireSolidaire: proposal.mandataireSolidaire,
    members: proposal.members.map((m) => ({
      structureId: m.structureId,
      kind: m.kind,
      role: m.role,
      assignments: m.assignments.map((a) => ({ ...a })),
      annualRevenueEur: revenueOf(m.structureId),
    })),
  };
}

function describeMember(
  instance: Instance,
  solution: Solution,
  evaluation: Evaluation,
  member: number,
  position: number,
  insertionHours: number,
  isMandataire: boolean,
): ProposalMember {
  const { candidate, distanceKm } = instance.candidates[member];
  return {
    structureId: candidate.structureId,
    siret: candidate.siret,
    name: candidate.name,
    kind: candidate.kind,
    role: isMandataire ? 'MANDATAIRE' : 'COTRAITANT',
    assignments: assignmentsOf(instance, solution, member),
    estimatedAmountEur: round(evaluation.memberAmountsEur[position], 2),
    insertionHours: round(insertionHours, 1),
    distanceKm: distanceKm === null ? null : round(distanceKm, 1),
  };
}

function assignmentsOf(instance: Instance, solution: Solution, member: number): Assignment[] {
  const assignments: Assignment[] = [];
  solution.shares.forEach((shares, packageIndex) => {
    const taken = shares.find((s) => s.member === member);
    if (!taken) return;
    const pkg = instance.packages[packageIndex];
    assignments.push(pkg.code === undefined ? { lot: pkg.lot, share: taken.share } : { lot: pkg.lot, workPackage: pkg.code, share: taken.share });
  });
  return assignments;
}

function formExplanation(form: GroupForm, mandataireSolidaire: boolean, instance: Instance): string {
  if (form === 'SOLIDAIRE') {
    const anchor = instance.anchorIndex === null ? null : instance.candidates[instance.anchorIndex];
    const requester =
      anchor && !anchor.isStaffProvider
        ? ` ${capitalise(structureLabel(anchor.candidate.kind, anchor.candidate.name))}, qui demande ces propositions, y réalise donc toujours une part des travaux : on ne s’engage pas sur tout le marché sans y travailler.`
        : '';
    return `Groupement solidaire : chaque membre est engagé financièrement pour la totalité du marché et les capacités sont appréciées globalement (R2142-20, R2142-25).${requester}`;
  }
  if (mandataireSolidaire) {
    const why = instance.tender.mandataireSolidaireRequired ? ', exigé par l’acheteur (R2142-24, V5)' : '';
    return `Groupement conjoint avec mandataire solidaire${why} : chaque membre s’engage sur ses prestations, le mandataire répond de chacun.`;
  }
  return 'Groupement conjoint, mandataire non solidaire : chaque membre s’engage sur les prestations qui lui sont attribuées (R2142-20).';
}

function lotExplanation(instance: Instance, solution: Solution, lot: LotPlan): string {
  const header = lot.reservation === 'NONE' ? `Lot ${lot.number}` : `Lot ${lot.number} réservé ${lot.reservation}`;
  const eligibility = lot.reservation === 'NONE' ? '' : ' ; tous les membres du groupement sont éligibles à cette réservation (V13)';
  const packageShares = lot.packageIndexes.map((p) => solution.shares[p]);
  const [first] = packageShares;
  const wholeLot = lot.packageIndexes.length === 1 && instance.packages[lot.packageIndexes[0]].code === undefined;
  const soleTaker = packageShares.every((shares) => shares.length === 1 && shares[0].member === first[0]?.member);
  const split = wholeLot || soleTaker
    ? `${first.length === 1 ? 'confié à' : 'réparti entre'} ${takers(instance, first)}`
    : lot.packageIndexes
        .map((p) => {
          const shares = solution.shares[p];
          const name = instance.packages[p].title ?? instance.packages[p].code;
          return `prestation « ${name} » ${shares.length === 1 ? 'confiée à' : 'répartie entre'} ${takers(instance, shares)}`;
        })
        .join(' ; ');
  return `${header} : ${split}${eligibility}.`;
}

/** "l’EI X (100 %)" or "l’entreprise Y (92 %) et l’EI X (8 %)". */
function takers(instance: Instance, shares: Solution['shares'][number]): string {
  return enumerate(
    shares.map((s) => {
      const { candidate } = instance.candidates[s.member];
      return `${structureLabel(candidate.kind, candidate.name)} (${percent(s.share)})`;
    }),
  );
}

function insertionExplanation(instance: Instance, solution: Solution, evaluation: Evaluation, memberHours: number[]): string[] {
  const required = evaluation.coverage.reduce((sum, c) => sum + c.requiredHours, 0);
  if (required <= 0) return [];
  const covered = evaluation.coverage.reduce((sum, c) => sum + c.coveredHours, 0);
  const contributions = solution.members
    .map((m, i) => ({ c: instance.candidates[m], h: memberHours[i] }))
    .filter(({ h }) => h >= 0.5)
    .map(({ c, h }) => `${structureLabel(c.candidate.kind, c.candidate.name)} ${c.isStaffProvider ? 'par mise à disposition' : 'par son exécution'} (${hours(h)})`);
  const by = contributions.length > 0 ? ` — ${enumerate(contributions)}` : '';
  return [`Heures d’insertion : ${hours(required)} requises, ${hours(covered)} couvertes${by} (V18).`];
}

function staffProviderExplanations(instance: Instance, solution: Solution): string[] {
  return solution.members
    .filter((m) => instance.candidates[m].isStaffProvider && !solution.shares.some((shares) => shares.some((s) => s.member === m)))
    .map((m) => {
      const { candidate } = instance.candidates[m];
      return `${capitalise(structureLabel(candidate.kind, candidate.name))} : mise à disposition de personnel en insertion auprès des membres, sans part d’exécution (V21).`;
    });
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
