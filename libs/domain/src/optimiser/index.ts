// The grouping optimiser: pure domain code (no Nest, no database), HiGHS for the MIP.
export type {
  ObjectiveWeights,
  OptimiserAssumptions,
  OptimiserCandidate,
  OptimiserInput,
  OptimiserResult,
  OptimiserStats,
  Proposal,
  ProposalMember,
} from './types';
export { DEFAULT_OPTIMISER_ASSUMPTIONS, DEFAULT_MAX_MEMBERS, DEFAULT_TOP_K, DEFAULT_OBJECTIVE_WEIGHTS, MIN_GROUP_MEMBERS } from './defaults';
export { defaultLots, type AnchorIdentity, type DefaultLots } from './default-lots';
export { optimiseGroupings } from './optimise';
export { greedyBaseline } from './greedy';
export { bruteForceOptimum, type BruteForceOptimum } from './brute-force';
export { proposalToGrouping } from './proposal';
export { compareProposals, proposalKey } from './ranking';
export { loadHighsSolver } from './solver';
