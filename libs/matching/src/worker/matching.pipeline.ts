// One matching run, from the stored tender to ranked proposals: the worker's whole job, minus queueing.
// The rules live elsewhere: candidates and their scores come from the tenders feature (same ranking as
// the candidates API), lawful groupings from the domain optimiser (V1–V22), default lots from the
// domain (V13). This file only assembles their inputs and outputs.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { groupingMemberScore, partnerSeekerScore, type TenderSpec } from '@app/domain';
import { defaultLots, optimiseGroupings, type OptimiserCandidate, type OptimiserResult } from '@app/domain/optimiser';
import { MatchingRunEntity, StructureEntity, TenderEntity, TenderLotEntity } from '@app/persistence';
import { CandidatesService, TendersService, tenderSpecOf, type RankedCandidate } from '@app/tenders';
import { MatchingRunRejected } from '../matching-errors';
import type { ProposalToStore, RunOutcome } from '../matching-run.store';

/** The worker reads tenders whatever their status and owner (the API checked visibility at creation). */
const WORKER_ACTOR = { id: 'system', role: 'admin' };

/** Progress milestones reported to the run (0–1). */
export const PROGRESS = { tenderLoaded: 0.1, candidatesLoaded: 0.6, optimised: 0.95 } as const;

export type ProgressReporter = (progress: number) => Promise<void>;

@Injectable()
export class MatchingPipeline {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenders: TendersService,
    private readonly candidates: CandidatesService,
  ) {}

  async run(run: MatchingRunEntity, report: ProgressReporter): Promise<RunOutcome> {
    const started = Date.now();
    const { tender, lots: lotEntities } = await this.loadTender(run.tenderId);
    const spec = await this.tenderSpec(tender, lotEntities);
    const anchor = run.params.anchorStructureId ? await this.loadAnchor(run.params.anchorStructureId) : undefined;
    await report(PROGRESS.tenderLoaded);

    // Default lots: every lot, or with an anchor those it may lawfully answer (V13); the explanations
    // say which reserved lots were left out and why.
    const explanations: string[] = [];
    let lots = run.params.lots;
    if (!lots) {
      const defaults = defaultLots(spec, anchor ? { kind: anchor.kind, name: anchor.name } : undefined);
      lots = defaults.lots;
      explanations.push(...defaults.explanations);
    }
    if (lots.length === 0) {
      explanations.push('Aucun lot ne peut être visé avec cette structure d’ancrage : aucun groupement n’est proposé.');
      return { proposals: [], explanations, stats: { lots: [], candidates: 0, totalMs: Date.now() - started } };
    }

    // Demo structures take part only when asked, or when the anchor itself is one (the user chose it).
    const includeDemo = run.params.includeDemo === true || anchor?.source === 'demo';
    const candidates = await this.loadCandidates(run.tenderId, lots, report, includeDemo);
    if (anchor && !candidates.some((c) => c.structureId === anchor.id)) candidates.push(this.outOfAreaAnchor(anchor));
    const seekers = await this.partnerSeekers(run.tenderId, candidates);
    const candidatesMs = Date.now() - started;

    const result = await optimiseGroupings({
      tender: spec,
      lots,
      candidates,
      anchorStructureId: anchor?.id,
      maxMembers: run.params.maxMembers,
      forms: run.params.forms,
      topK: run.params.topK,
    });
    await report(PROGRESS.optimised);

    explanations.push(...result.explanations);
    if (seekers.size) explanations.push(`${seekers.size} structure(s) ont demandé des partenaires sur cet appel d’offres (bourse à la co-traitance) : elles sont proposées en priorité.`);
    return {
      proposals: result.proposals.map((p) => toStoredProposal(withSeekerReasons(p, seekers))),
      explanations,
      stats: { ...statsOf(result), lots: result.lots, candidates: candidates.length, candidatesMs, totalMs: Date.now() - started },
    };
  }

  private async loadTender(tenderId: string): Promise<{ tender: TenderEntity; lots: TenderLotEntity[] }> {
    try {
      return await this.tenders.load(tenderId, WORKER_ACTOR);
    } catch (error) {
      if ((error as { getStatus?: () => number }).getStatus?.() === 404) {
        throw new MatchingRunRejected('Le marché de ce calcul n’existe plus : aucune proposition ne peut être calculée.');
      }
      throw error;
    }
  }

  /** The domain's view of the tender: place, lots, work packages with their sectors, insertion hours (V17). */
  private async tenderSpec(tender: TenderEntity, lots: TenderLotEntity[]): Promise<TenderSpec> {
    if (tender.executionLat === null || tender.executionLon === null || !tender.executionDepartment || !tender.executionRegion) {
      throw new MatchingRunRejected('Le lieu d’exécution du marché est inconnu : aucune structure ne peut être proposée.');
    }
    const view = await this.tenders.get(tender.id, WORKER_ACTOR);
    const byNumber = new Map(lots.map((l) => [l.number, l]));
    // Same derivation as a package's candidates: given sectors, else its CPV codes', else the lot's.
    return tenderSpecOf(view, (lot, code) => this.candidates.workPackageTarget(tender, byNumber.get(lot.number)!, code).sectors);
  }

  private async loadAnchor(structureId: string): Promise<StructureEntity> {
    const anchor = await this.dataSource.getRepository(StructureEntity).findOneBy({ id: structureId });
    if (!anchor || anchor.delistedAt) {
      throw new MatchingRunRejected('La structure d’ancrage a été retirée du catalogue : relancez un calcul sans elle ou avec une autre structure.');
    }
    return anchor;
  }

  /**
   * Candidates of each asked lot and of each of its work packages (their sectors may differ), merged into
   * one optimiser candidate per structure. COMPANY and ineligible kinds are kept: a company may be the
   * anchor, and the optimiser applies V13 to the whole group itself.
   */
  private async loadCandidates(tenderId: string, lots: number[], report: ProgressReporter, includeDemo: boolean): Promise<OptimiserCandidate[]> {
    const byId = new Map<string, OptimiserCandidate>();
    const entry = (ranked: RankedCandidate): OptimiserCandidate => {
      let candidate = byId.get(ranked.structure.id);
      if (!candidate) {
        const s = ranked.structure;
        candidate = {
          structureId: s.id,
          siret: s.siret,
          name: s.name,
          kind: s.kind,
          location: s.location,
          servesExecutionPlace: true, // the candidates service only returns structures serving the place
          ...(s.annualRevenueEur !== null ? { annualRevenueEur: s.annualRevenueEur } : {}),
          sectors: s.sectors,
          lotScores: {},
          workPackageScores: {},
          openToCoContracting: declaredOpenness(s),
          kindVerified: s.verified,
        };
        byId.set(s.id, candidate);
      }
      return candidate;
    };
    for (const [index, lot] of lots.entries()) {
      const ranked = await this.candidates.rankForTender(tenderId, { lots: [lot], includeCompanies: true, includeIneligible: true, includeDemo });
      // The buyer's calibrated score, plus openness to co-contracting: it matters when assembling a grouping only.
      for (const lotCandidates of ranked.lots) {
        for (const c of lotCandidates.candidates) {
          const candidate = entry(c);
          if (canDoTheWork(c)) candidate.lotScores[lotCandidates.number] = groupingMemberScore(c.score, candidate.openToCoContracting);
        }
        for (const wp of lotCandidates.workPackages) {
          for (const c of wp.candidates) {
            const candidate = entry(c);
            if (canDoTheWork(c)) candidate.workPackageScores![`${lotCandidates.number}:${wp.code}`] = groupingMemberScore(c.score, candidate.openToCoContracting);
          }
        }
      }
      await report(PROGRESS.tenderLoaded + ((PROGRESS.candidatesLoaded - PROGRESS.tenderLoaded) * (index + 1)) / lots.length);
    }
    return [...byId.values()];
  }

  /**
   * Structures with an open request on the tender's partner board (« Bourse à la co-traitance ») asked
   * for partners: their lot scores get a bonus so that proposals include them first. Returns id → name.
   */
  private async partnerSeekers(tenderId: string, candidates: OptimiserCandidate[]): Promise<Map<string, string>> {
    const rows: { structure_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT structure_id FROM partner_requests WHERE tender_id = $1 AND status = 'open'`,
      [tenderId],
    );
    const seekers = new Map<string, string>();
    const asked = new Set(rows.map((r) => r.structure_id));
    for (const candidate of candidates) {
      if (!asked.has(candidate.structureId)) continue;
      seekers.set(candidate.structureId, candidate.name);
      for (const lot of Object.keys(candidate.lotScores)) candidate.lotScores[Number(lot)] = partnerSeekerScore(candidate.lotScores[Number(lot)]);
      for (const key of Object.keys(candidate.workPackageScores ?? {})) candidate.workPackageScores![key] = partnerSeekerScore(candidate.workPackageScores![key]);
    }
    return seekers;
  }

  /** An anchor the candidates service did not return does not serve the place: the optimiser explains it. */
  private outOfAreaAnchor(anchor: StructureEntity): OptimiserCandidate {
    return {
      structureId: anchor.id,
      siret: anchor.siret,
      name: anchor.name,
      kind: anchor.kind,
      location: anchor.lat !== null && anchor.lon !== null ? { lat: anchor.lat, lon: anchor.lon } : null,
      servesExecutionPlace: false,
      sectors: anchor.sectors.map((s) => s.code),
      lotScores: {},
      // Same rule as structure_candidates.openness_declared (migration 1700000003000).
      openToCoContracting: declaredOpenness({ opennessDeclared: anchor.source !== 'register' || anchor.editedAt !== null, openToCoContracting: anchor.openToCoContracting }),
      kindVerified: anchor.verified,
    };
  }
}

/** A register row its owner never edited was never asked about co-contracting: its `false` is a default, not an answer. */
function declaredOpenness(structure: { opennessDeclared: boolean; openToCoContracting: boolean }): boolean | 'undeclared' {
  return !structure.opennessDeclared && !structure.openToCoContracting ? 'undeclared' : structure.openToCoContracting;
}

/**
 * A structure is offered work on a lot or package only when it works in one of its sectors or their
 * family, or its trade is unknown (register rows), or when the lot names no sector: distance and size alone do not make a
 * cleaner a gardener.
 */
function canDoTheWork(candidate: RankedCandidate): boolean {
  return candidate.sectorLevel !== 'none';
}

type OptimisedProposal = OptimiserResult['proposals'][number];

/** Says, in the proposal, which of its members asked for partners on this tender. */
function withSeekerReasons(p: OptimisedProposal, seekers: Map<string, string>): OptimisedProposal {
  const asked = p.members.filter((m) => seekers.has(m.structureId));
  if (!asked.length) return p;
  const reasons = asked.map((m) => `« ${m.name} » a demandé des partenaires pour cet appel d’offres (bourse à la co-traitance) : proposée en priorité.`);
  return { ...p, explanations: [...reasons, ...p.explanations] };
}

function toStoredProposal(p: OptimisedProposal): ProposalToStore {
  return {
    rank: p.rank,
    lots: p.lots,
    form: p.form,
    mandataireSolidaire: p.mandataireSolidaire,
    members: p.members.map((m) => ({
      structureId: m.structureId,
      siret: m.siret,
      name: m.name,
      kind: m.kind,
      role: m.role,
      assignments: m.assignments.map((a) => ({ lot: a.lot, ...(a.workPackage !== undefined ? { workPackage: a.workPackage } : {}), share: a.share })),
      estimatedAmountEur: m.estimatedAmountEur,
      insertionHours: m.insertionHours,
      distanceKm: m.distanceKm === null ? null : Math.round(m.distanceKm * 10) / 10,
    })),
    insertion: p.insertion,
    score: p.score,
    scoreBreakdown: p.scoreBreakdown,
    explanations: p.explanations,
    warnings: p.warnings,
  };
}

function statsOf(result: OptimiserResult): Record<string, unknown> {
  return { ...result.stats, proposals: result.proposals.length };
}
