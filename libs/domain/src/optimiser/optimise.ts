// Entry point of the optimiser: top-K lawful groupings of a tender's asked lots.
import type { Highs } from 'highs';
import type { GroupForm } from '../vocabulary';
import { DEFAULT_TOP_K } from './defaults';
import { enumerate } from './french';
import { buildInstance, type Instance } from './instance';
import { GroupingSearch, type SolvedGrouping } from './mip';
import { hasRedundantMember } from './objective';
import { buildProposal } from './proposal';
import { compareProposals, requestedForms } from './ranking';
import { loadHighsSolver } from './solver';
import type { OptimiserInput, OptimiserResult, OptimiserStats, Proposal } from './types';

const FORM_LABEL: Record<GroupForm, string> = { CONJOINT: 'conjoint', SOLIDAIRE: 'solidaire' };
/** Bound on the extra solves spent skipping padded groupings (see hasRedundantMember). */
const REDUNDANT_SKIPS_PER_PROPOSAL = 2;

/**
 * Proposes the best distinct groupings (form + member set) for the asked lots, ranked by score.
 * Pass a loaded HiGHS runtime to reuse it; otherwise the process-wide one is loaded once.
 */
export async function optimiseGroupings(input: OptimiserInput, highs?: Highs): Promise<OptimiserResult> {
  const build = buildInstance(input);
  const stats: OptimiserStats = {
    solveMs: 0,
    solves: 0,
    candidatesKept: build.instance?.candidates.length ?? 0,
    provenOptimal: true,
    budgetExhausted: false,
  };
  if (!build.instance) return { lots: build.lots, proposals: [], explanations: build.explanations, stats };

  const solver = highs ?? (await loadHighsSolver());
  const forms = requestedForms(input);
  const topK = Math.max(1, input.topK ?? DEFAULT_TOP_K);
  const { proposals, emptyForms } = topProposals(solver, build.instance, forms, topK, stats);
  const explanations = [...build.explanations, ...emptyForms.map((form) => emptyFormExplanation(build.instance as Instance, form))];
  if (proposals.length === 0) {
    explanations.push(`Aucun groupement valide n’a été trouvé pour le(s) lot(s) ${enumerate(build.lots.map(String))}.`);
  }
  if (!stats.provenOptimal) {
    explanations.push('Un calcul a atteint sa limite de temps : certaines propositions sont les meilleures trouvées, sans preuve d’optimalité.');
  }
  if (stats.budgetExhausted) {
    explanations.push(`Le temps de calcul alloué est épuisé : ${proposals.length} proposition(s) au lieu de ${topK}.`);
  }
  return { lots: build.lots, proposals, explanations, stats };
}

interface Head {
  search: GroupingSearch;
  proposal: Proposal | null;
}

/**
 * Lazy K-way merge of the per-form enumerations: each form's model is re-solved only when its
 * current best has been taken, so K proposals cost K + (forms − 1) enumeration steps, not K × forms.
 */
function topProposals(
  highs: Highs,
  instance: Instance,
  forms: GroupForm[],
  topK: number,
  stats: OptimiserStats,
): { proposals: Proposal[]; emptyForms: GroupForm[] } {
  const heads: Head[] = [];
  try {
    for (const form of forms) heads.push({ search: new GroupingSearch(highs, instance, form), proposal: null });
    const skipBudget = new Map(heads.map((h) => [h, REDUNDANT_SKIPS_PER_PROPOSAL * topK]));
    const deadline = performance.now() + instance.assumptions.runBudgetSeconds * 1000;
    const remainingSeconds = (): number => (deadline - performance.now()) / 1000;
    const solveWithinBudget = (head: Head): SolvedGrouping | null => {
      const remaining = remainingSeconds();
      if (remaining <= 0) {
        stats.budgetExhausted = true;
        return null;
      }
      return head.search.next(Math.min(instance.assumptions.timeLimitSeconds, remaining));
    };
    const pull = (head: Head): void => {
      let solved = solveWithinBudget(head);
      while (solved && hasRedundantMember(instance, solved.solution) && (skipBudget.get(head) ?? 0) > 0) {
        skipBudget.set(head, (skipBudget.get(head) ?? 0) - 1);
        solved = solveWithinBudget(head);
      }
      if (solved && !solved.provenOptimal) stats.provenOptimal = false;
      head.proposal = solved ? buildProposal(instance, solved.solution) : null;
    };
    heads.forEach(pull);
    const bestOfForm = heads.map((h) => h.proposal);
    const picked: Proposal[] = [];
    while (picked.length < topK) {
      const head = bestHead(heads);
      if (!head?.proposal) break;
      picked.push(head.proposal);
      if (picked.length < topK) pull(head);
      else head.proposal = null;
    }
    const proposals = rank(keepEveryForm(picked, bestOfForm.filter((p): p is Proposal => p !== null)));
    const emptyForms = stats.budgetExhausted ? [] : forms.filter((_, i) => bestOfForm[i] === null);
    return { proposals, emptyForms };
  } finally {
    for (const head of heads) {
      stats.solveMs += head.search.solveMs;
      stats.solves += head.search.solves;
      head.search.dispose();
    }
  }
}

function bestHead(heads: Head[]): Head | undefined {
  return heads.filter((h) => h.proposal !== null).sort((a, b) => compareProposals(a.proposal as Proposal, b.proposal as Proposal))[0];
}

/**
 * When both forms are asked and one has a lawful grouping, show at least its best one: it replaces
 * the lowest-ranked proposal of a form that is represented more than once (topK is never exceeded).
 */
function keepEveryForm(picked: Proposal[], bestOfForm: Proposal[]): Proposal[] {
  const result = [...picked];
  for (const best of bestOfForm) {
    if (result.some((p) => p.form === best.form)) continue;
    const replaceable = [...result].reverse().find((p) => result.filter((q) => q.form === p.form).length > 1);
    if (replaceable) result[result.indexOf(replaceable)] = best;
  }
  return result;
}

function rank(proposals: Proposal[]): Proposal[] {
  return [...proposals].sort(compareProposals).map((p, i) => ({ ...p, rank: i + 1 }));
}

function emptyFormExplanation(instance: Instance, form: GroupForm): string {
  const singlePackage = instance.packages.length < 2 && !instance.candidates.some((c) => c.isStaffProvider);
  if (form === 'CONJOINT' && singlePackage) {
    return (
      'Aucun groupement conjoint possible : en conjoint, chaque membre s’engage sur les prestations qui lui sont attribuées ' +
      '(R2142-20), or le lot demandé n’est pas découpé en prestations. Découpez le lot en prestations ou choisissez la forme solidaire.'
    );
  }
  return `Aucun groupement ${FORM_LABEL[form]} ne respecte toutes les contraintes (taille du groupement, ancre, réservations, prestations).`;
}
