import type { FarmNode, Job, NodeAction, Policy, Snapshot } from "./types.ts";
import { releaseIdleCloud } from "./burst/release.ts";
import { projectCapacity, type ProjectedJob } from "./burst/projection.ts";
import { type Deficit, sizeBurst } from "./burst/sizing.ts";
import type { StageResult } from "./lp/stage.ts";
import { dispatch } from "./matching/dispatch.ts";
import { type NodeClass, speedOf } from "./matching/node-classes.ts";
import { buildPools } from "./matching/slot-pools.ts";
import { type OrderFacts, tierOf } from "./priority/order.ts";
import { neededSec } from "./priority/slack.ts";
import type { ShareLedger } from "./shares/ledger.ts";
import { reclaimByCheckpoint } from "./shares/reclaim.ts";
import { decideDeferrals, type DeferralCandidate } from "./tariff/deferral.ts";
import { powerActions } from "./tariff/power.ts";
import type { PriceCurve } from "./tariff/price-curve.ts";
import type { JobState } from "./work/job-state.ts";

export interface GreedyInput {
  snapshot: Snapshot;
  policy: Policy;
  now: number;
  classes: readonly NodeClass[];
  states: Map<string, JobState>;
  facts: Map<string, OrderFacts>;
  /** Active jobs in dispatch order. */
  active: readonly JobState[];
  ledger: ShareLedger;
  cloudOk: (job: Job) => boolean;
  curve: PriceCurve | null;
}

/**
 * The greedy passes (the planner before the LP, and its fallback when the solver fails or runs
 * out of time):
 *  5. tariff    energy-intensive work with slack waits for cheaper hours
 *  6. dispatch  urgent pass (slots nobody is owed), guarantee pass, lending pass; affinity-ranked
 *               classes; pre-assignment
 *  7. reclaim   checkpointable borrowers yield to owners below their guarantee
 *  8. burst     EDF capacity projection → deficits → cloud requests
 *  9. nodes     release idle cloud nodes, power down / wake on-prem nodes
 */
export function greedyStages(input: GreedyInput): StageResult {
  const { snapshot, policy, now, classes, states, facts, active, ledger, cloudOk, curve } = input;
  // 5. tariff
  const deferrals = curve && policy.tariff.enabled
    ? decideDeferrals(active.filter((s) => s.job.energyIntensive).map((s) => deferralCandidate(s, facts.get(s.job.id)!.deadlineAt, policy)), curve, policy, now)
    : new Map();
  const runnable = active.filter((s) => !deferrals.has(s.job.id));

  // 6. dispatch
  const demand = new Map<string, number>();
  for (const s of runnable) demand.set(s.job.clientId, (demand.get(s.job.clientId) ?? 0) + s.runningTasks + s.steps.reduce((t, st) => t + st.allowance, 0));
  for (const [c, d] of demand) ledger.setDemand(c, d);
  const allowanceBefore = new Map(runnable.map((s) => [s.job.id, s.steps.reduce((t, st) => t + st.allowance, 0)]));
  const meanSpeed = meanSpeeds(classes);
  const pools = buildPools(classes, now, policy.preassignWithinSec);
  const urgent = new Set(runnable.filter((s) => tierOf(facts.get(s.job.id)!, policy) === 0).map((s) => s.job.id));
  const dispatched = dispatch({ ordered: runnable, pools, ledger, policy, meanSpeed, cloudOk, urgent });

  // 7. reclaim
  const preemptions = reclaimByCheckpoint({ runnable, ledger, nodes: snapshot.nodes, states });
  const { assignments } = dispatched;

  // 8. burst
  const projected: ProjectedJob[] = [];
  for (const s of states.values()) {
    const deadlineAt = facts.get(s.job.id)!.deadlineAt;
    if (deadlineAt === null || (s.status !== "active" && s.status !== "waiting") || s.workSec <= 0) continue;
    const main = s.steps.reduce((m, st) => (st.workSec > m.workSec ? st : m), s.steps[0]!);
    const usable = cloudOk(s.job) ? main.eligible : main.eligibleOnprem;
    const longest = s.longestTaskSec / s.speed;
    projected.push({ id: s.job.id, clientId: s.job.clientId, deadlineAt, workSec: s.workSec, kind: main.step.kind, classes: usable, floorSec: longest, after: s.job.dependsOn, tasks: s.liveTasks + s.runningTasks, marginSec: neededSec(s, policy) - Math.max(s.workSec / (Math.max(1, s.localParallelism) * s.speed), longest) });
  }
  const projection = projectCapacity(projected, classes, ledger.guaranteeFractions(), now);
  const deficits: Deficit[] = [];
  for (const p of projected) {
    const s = states.get(p.id)!;
    const d = projection.get(p.id)!;
    if (d.deficitSec <= 0 || deferrals.has(p.id) || !cloudOk(s.job) || !policy.burst.enabled) continue;
    const main = s.steps.reduce((m, st) => (st.workSec > m.workSec ? st : m), s.steps[0]!);
    deficits.push({ jobId: p.id, clientId: s.job.clientId, kind: p.kind, requirements: main.step.requirements, deadlineAt: p.deadlineAt, deficitSec: d.deficitSec, longestTaskSec: s.longestTaskSec, marginSec: p.marginSec, checkpointable: main.step.checkpointable ?? false, startAt: d.startAt });
  }
  const sized = sizeBurst(deficits, snapshot, policy, now);

  // 9. nodes
  const busy = new Set(assignments.map((a) => a.nodeId));
  const deferredStarts = [...deferrals.values()].map((d) => d.until);
  const nodeActions: NodeAction[] = [
    ...releaseIdleCloud(snapshot.nodes, busy, policy, now),
    ...powerActions({ nodes: snapshot.nodes, busy, nextDeferredStart: deferredStarts.length ? Math.min(...deferredStarts) : null, wakeCandidates: wakeCandidates(runnable, dispatched.placed, allowanceBefore), policy, now }),
  ];
  const burstByJob = new Map<string, string>();
  for (const r of sized.requests) for (const id of r.jobIds) burstByJob.set(id, r.reason);
  return {
    assignments, preemptions, burst: sized.requests, nodeActions, placed: dispatched.placed, capped: dispatched.capped,
    deferrals, projection, burstByJob, refused: sized.refused, why: new Map(),
  };
}

function deferralCandidate(s: JobState, deadlineAt: number | null, policy: Policy): DeferralCandidate {
  const lanes = Math.max(1, s.localParallelism);
  const main = s.steps.reduce((m, st) => (st.workSec > m.workSec ? st : m), s.steps[0]!);
  const pool = { key: main.eligibleOnprem.map((c) => c.index).join(","), slots: main.eligibleOnprem.reduce((t, c) => t + c.slots, 0) };
  return { jobId: s.job.id, deadlineAt, runSec: s.workSec / (lanes * s.speed), neededSec: neededSec(s, policy), parallelism: lanes, taskSec: s.longestTaskSec / s.speed, pool };
}

function meanSpeeds(classes: readonly NodeClass[]): (kind: string) => number {
  const memo = new Map<string, number>();
  return (kind) => {
    let m = memo.get(kind);
    if (m === undefined) {
      let slots = 0;
      let sum = 0;
      for (const c of classes) if (c.pool === "onprem") { slots += c.slots; sum += c.slots * speedOf(c.speed, kind); }
      m = slots > 0 ? sum / slots : 1;
      memo.set(kind, m);
    }
    return m;
  };
}

/** Asleep on-prem nodes that could take ready work which found no free slot. O(asleep + J·K). */
function wakeCandidates(runnable: readonly JobState[], placed: Map<string, number>, before: Map<string, number>): FarmNode[] {
  const asleep = new Map<number, FarmNode[]>();
  for (const s of runnable) {
    for (const st of s.steps) {
      for (const c of st.eligible) {
        if (c.pool !== "onprem" || asleep.has(c.index)) continue;
        asleep.set(c.index, c.nodes.filter((n) => n.status === "asleep"));
      }
    }
  }
  if ([...asleep.values()].every((l) => l.length === 0)) return [];
  const out: FarmNode[] = [];
  for (const s of runnable) {
    let left = (before.get(s.job.id) ?? 0) - (placed.get(s.job.id) ?? 0);
    for (const st of s.steps) {
      for (const c of st.eligible) {
        const list = asleep.get(c.index) ?? [];
        while (left > 0 && list.length > 0) {
          const n = list.shift()!;
          out.push(n);
          left -= n.slots;
        }
      }
    }
  }
  return out;
}
