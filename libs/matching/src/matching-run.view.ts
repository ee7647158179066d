// Response shapes of the matching endpoints (docs/api-contract.md, "Matching runs").
import type { MatchingRunEntity, MatchingRunParams, MatchingRunStatus, ProposalEntity, ProposalMemberRecord } from '@app/persistence';

export interface ProposalView {
  id: string;
  rank: number;
  lots: number[];
  form: 'CONJOINT' | 'SOLIDAIRE';
  mandataireSolidaire: boolean;
  members: ProposalMemberRecord[];
  insertion: { requiredHours: number; coveredHours: number };
  score: number;
  scoreBreakdown: Record<string, number>;
  explanations: string[];
  warnings: string[];
}

export interface MatchingRunView {
  id: string;
  tenderId: string;
  status: MatchingRunStatus;
  progress: number;
  error?: string;
  params: MatchingRunParams;
  attempts: number;
  explanations: string[];
  proposals: ProposalView[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type MatchingRunSummary = Omit<MatchingRunView, 'proposals' | 'explanations'> & { proposalCount: number; requestedByMe: boolean };

function progressOf(run: MatchingRunEntity): number {
  return Math.round(Number(run.progress) * 100) / 100;
}

export function toProposalView(p: ProposalEntity): ProposalView {
  return {
    id: p.id,
    rank: p.rank,
    lots: p.lots,
    form: p.form,
    mandataireSolidaire: p.mandataireSolidaire,
    members: p.members,
    insertion: p.insertion,
    score: p.score,
    scoreBreakdown: p.scoreBreakdown,
    explanations: p.explanations,
    warnings: p.warnings,
  };
}

/** What the run view and the run list share. */
function runBasics(run: MatchingRunEntity) {
  return {
    id: run.id,
    tenderId: run.tenderId,
    status: run.status,
    progress: progressOf(run),
    ...(run.status === 'failed' && run.error ? { error: run.error } : {}),
    params: run.params,
    attempts: run.attempts,
  };
}

function runTimes(run: MatchingRunEntity) {
  return {
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

export function toRunView(run: MatchingRunEntity, proposals: ProposalEntity[]): MatchingRunView {
  return {
    ...runBasics(run),
    explanations: run.explanations,
    // Proposals are visible once the run succeeded (the write that ends the run stores them).
    proposals: run.status === 'succeeded' ? [...proposals].sort((a, b) => a.rank - b.rank).map(toProposalView) : [],
    ...runTimes(run),
  };
}

export function toRunSummary(run: MatchingRunEntity, proposalCount: number, callerId: string): MatchingRunSummary {
  return { ...runBasics(run), proposalCount, requestedByMe: run.requestedBy === callerId, ...runTimes(run) };
}
