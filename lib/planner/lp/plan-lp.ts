import type { Job, Policy, Snapshot } from "../types.ts";
import type { Projection } from "../burst/projection.ts";
import { releaseIdleCloud } from "../burst/release.ts";
import { clock, dateTime, duration } from "../format.ts";
import type { Eligibility, NodeClass } from "../matching/node-classes.ts";
import { buildPools, type SlotPool } from "../matching/slot-pools.ts";
import type { OrderFacts } from "../priority/order.ts";
import type { ShareLedger } from "../shares/ledger.ts";
import { reclaimByCheckpoint } from "../shares/reclaim.ts";
import type { Deferral } from "../tariff/deferral.ts";
import { powerActions } from "../tariff/power.ts";
import type { PriceCurve } from "../tariff/price-curve.ts";
import type { JobState } from "../work/job-state.ts";
import { burstFromLp, refusedByCeiling, wakeFromLp } from "./actions.ts";
import { dispatchQuotas } from "./dispatch.ts";
import { GuaranteeRule, type GuaranteePlan } from "./guarantee-rule.ts";
import type { Group } from "./groups.ts";
import { buildLpProblem, mayRent } from "./lp-problem.ts";
import { MISS_EPS_H, solveWithLateness } from "./solve-lateness.ts";
import { surplusCloud } from "./surplus-cloud.ts";
import type { LpReading } from "./read.ts";
import type { SlotGrid } from "./slots.ts";
import type { LpSolver } from "./solver.ts";
import type { StageResult } from "./stage.ts";

export interface LpStageInput {
  snapshot: Snapshot;
  policy: Policy;
  now: number;
  classes: readonly NodeClass[];
  eligibility: Eligibility;
  /** Active jobs in dispatch order, and jobs waiting for prerequisites. */
  ordered: readonly JobState[];
  waiting: readonly JobState[];
  states: ReadonlyMap<string, JobState>;
  facts: Map<string, OrderFacts>;
  ledger: ShareLedger;
  cloudOk: (job: Job) => boolean;
  curve: PriceCurve | null;
  solver: LpSolver;
  timeLimitSec: number;
}

export interface LpStats {
  status: string;
  columns: number;
  rows: number;
  nonzeros: number;
  groups: number;
  resources: number;
  slots: number;
}

export type LpStageOutcome = { ok: true; result: StageResult; stats: LpStats } | { ok: false; reason: string; stats: LpStats };

/**
 * Stages 5–9 as one optimization: build the time-expanded LP over job groups, on-prem resources,
 * per-client rented cloud and slots; solve it with the injected solver; read the first slots back
 * as assignments, deferrals, cloud rentals and node power actions, each with its "why".
 */
export function planWithLp(input: LpStageInput): LpStageOutcome {
  const { snapshot, policy, now, ledger } = input;
  const solved = solveWithLateness(input, buildLpProblem(input));
  if (!solved.ok) return solved;
  const { stats, reading, problem: { grid, resources, clouds, groups } } = solved;

  const timing = memberTiming(groups, reading, grid);
  const deferrals = deferralsFrom(timing, grid, input);

  // Dispatch the first slot; shares are reported from the same ledger the greedy passes use.
  for (const s of input.ordered) {
    let allowed = 0;
    for (const st of s.steps) allowed += st.allowance;
    ledger.setDemand(s.job.clientId, ledger.demandOf(s.job.clientId) + s.runningTasks + allowed);
  }
  // Rented nodes the LP no longer wants take no new work (out of the pools, so that work goes elsewhere); the idle ones go now.
  const spare = policy.burst.enabled ? surplusCloud(reading, clouds, snapshot, grid, groups) : { surplus: new Set<string>(), release: [] };
  const pools = buildPools(input.classes, now, policy.preassignWithinSec);
  if (spare.surplus.size > 0) leaveOut(pools, spare.surplus);
  const guarantee = (policy.guaranteeRule ?? "off") === "off" ? undefined : guaranteeRule(input, pools, deferrals, { reading, resources, groups, grid, idleRoomOnly: mayRent(input, clouds.length) });
  const lpWakes = wakeFromLp(reading, resources, grid);
  const dispatched = dispatchQuotas({ groups, reading, resources, clouds, pools, ledger, policy, now, ordered: input.ordered, deferred: new Set(deferrals.keys()), prerequisites: new Set(input.waiting.flatMap((s) => s.job.dependsOn)), cloudOk: (j) => input.cloudOk(j), ...(guarantee ? { guarantee } : {}), waking: new Set(lpWakes) });
  // A job the guarantee rule runs now is not held back for a cheaper hour.
  for (const id of dispatched.guaranteed) deferrals.delete(id);
  const runnable = input.ordered.filter((s) => !deferrals.has(s.job.id));
  const preemptions = reclaimByCheckpoint({ runnable, ledger, nodes: snapshot.nodes, states: input.states });

  const burst = policy.burst.enabled ? burstFromLp(reading, groups, clouds, snapshot, grid, now, policy.burst.interruptionLossSec) : { requests: [], byJob: new Map<string, string>(), refused: new Map<string, string>() };
  const busy = new Set(dispatched.assignments.map((a) => a.nodeId));
  const released = new Set(spare.release.map((a) => a.nodeId));
  let nextWork: number | null = null;
  for (const g of groups) {
    const f = reading.firstSlot[g.index]!;
    if (f >= 1 && (nextWork === null || grid.startAt[f]! < nextWork)) nextWork = grid.startAt[f]!;
  }
  const nodeActions = [
    ...spare.release,
    ...releaseIdleCloud(snapshot.nodes, busy, policy, now).filter((a) => !released.has(a.nodeId)),
    ...powerActions({ nodes: snapshot.nodes, busy, nextDeferredStart: nextWork, wakeCandidates: lpWakes, policy, now }),
  ];
  for (const a of nodeActions) if (a.action === "wake") a.reason = "the LP plans work for it within 10 minutes";
  const waking = new Set(nodeActions.filter((a) => a.action === "wake").map((a) => a.nodeId));
  const ruleWakes = policy.guaranteeRule === "beside-tariff" && cheaperHourAhead(reading, grid, input) ? [] : dispatched.wakes;
  for (const w of ruleWakes) if (!waking.has(w.node.id)) nodeActions.push({ nodeId: w.node.id, action: "wake", reason: w.reason });

  const projection = new Map<string, Projection>();
  const why = new Map<string, string>();
  for (const [jobId, t] of timing) {
    const finishAt = t.finishSlot === null ? Infinity : grid.startAt[t.finishSlot + 1]!;
    projection.set(jobId, { finishAt, deficitSec: 0, startAt: now, withRented: true });
    why.set(jobId, whyOf(t, reading, grid, ledger.maxOf(t.groups[0]!.clientId)));
  }
  if (policy.burst.enabled) refusedByCeiling(lateWithCloud(input, projection), clouds, snapshot, burst.requests, burst.refused);
  const result: StageResult = {
    assignments: dispatched.assignments, preemptions, burst: burst.requests, nodeActions, placed: dispatched.placed, capped: dispatched.capped,
    deferrals, projection, burstByJob: burst.byJob, refused: burst.refused, why,
  };
  return { ok: true, result, stats };
}

/**
 * Rented nodes taken out of the cloud pools (surplus-cloud.ts). A function of its own, as is
 * {@link lateWithCloud}: their loops see objects of several shapes, and a deoptimization there
 * recompiles this small function, not all of planWithLp (measured: ~1.5 planWithLp recompiles per
 * dispatch decision at 100,000 tasks with these loops inline).
 */
function leaveOut(pools: readonly SlotPool[], surplus: ReadonlySet<string>): void {
  for (const p of pools) {
    if (p.cls.pool !== "cloud") continue;
    p.free = p.free.filter((n) => !surplus.has(n.id));
    p.soon = p.soon.filter((n) => !surplus.has(n.id));
  }
}

/** Runnable jobs that may rent and that the plan finishes after their deadline, as jobs (the filtered list, often empty, has another array shape than a full one). */
function lateWithCloud(input: LpStageInput, projection: ReadonlyMap<string, Projection>): Job[] {
  return input.ordered.filter((st) => st.job.deadlineAt !== null && (projection.get(st.job.id)?.finishAt ?? 0) > st.job.deadlineAt && input.cloudOk(st.job)).map((st) => st.job);
}

interface JobTiming {
  groups: Group[];
  /** Slots where the LP starts and finishes the job's planned work (finish null: not within the horizon). */
  startSlot: number;
  finishSlot: number | null;
  dueAt: number | null;
}

/** Jobs inside a group take the group's planned work in deadline order: each one's start and finish slot. */
function memberTiming(groups: readonly Group[], r: LpReading, grid: SlotGrid): Map<string, JobTiming> {
  const out = new Map<string, JobTiming>();
  for (const g of groups) {
    const planned = r.plannedH[g.index]!;
    let t = 0;
    let cum = planned[0]!;
    let before = 0;
    for (const m of g.members) {
      while (t < grid.count - 1 && cum <= before + 1e-6) cum += planned[++t]!;
      const start = cum > before + 1e-6 ? t : grid.count;
      let f = t;
      let fc = cum;
      while (f < grid.count - 1 && fc < before + m.workH - 1e-6) fc += planned[++f]!;
      const finish = fc >= before + m.workH - 1e-6 ? f : null;
      before += m.workH;
      const id = m.s.job.id;
      const prev = out.get(id);
      if (!prev) { out.set(id, { groups: [g], startSlot: start, finishSlot: finish, dueAt: m.dueAt }); continue; }
      if (!prev.groups.includes(g)) prev.groups.push(g);
      prev.startSlot = Math.min(prev.startSlot, start);
      prev.finishSlot = prev.finishSlot === null || finish === null ? null : Math.max(prev.finishSlot, finish);
    }
  }
  return out;
}

/** Energy-intensive work the LP starts later than now, though it could start now: deferred to cheaper hours. */
function deferralsFrom(timing: Map<string, JobTiming>, grid: SlotGrid, input: LpStageInput): Map<string, Deferral> {
  const out = new Map<string, Deferral>();
  if (!input.curve) return out;
  for (const [jobId, t] of timing) {
    if (input.states.get(jobId)?.status !== "active" || t.finishSlot === null || t.startSlot < 1 || t.startSlot >= grid.count) continue;
    if (!t.groups.every((g) => g.energyIntensive && g.releaseSlot === 0)) continue;
    const until = grid.startAt[t.startSlot]!;
    if (input.curve.average(until, grid.startAt[t.startSlot + 1]!) > input.curve.priceAt(input.now) * (1 - input.policy.tariff.minSaving)) continue;
    out.set(jobId, {
      until,
      reason: `deferred: the LP runs it from ${clock(until)} at ${input.curve.priceAt(until).toFixed(3)}/kWh instead of ${input.curve.priceAt(input.now).toFixed(3)}/kWh now${t.dueAt === null ? "" : `, still before its deadline ${dateTime(t.dueAt)}`}`,
    });
  }
  return out;
}

/** The binding fact behind the job's plan, in words: a miss (and how late), the cloud, the share cap, or the deadline it keeps. */
function whyOf(t: JobTiming, r: LpReading, grid: SlotGrid, clientMax: number): string {
  const g = t.groups[0]!;
  const due = t.dueAt === null ? "" : `, deadline ${dateTime(t.dueAt)}`;
  const misses = t.dueAt !== null && t.groups.some((x) => r.missH[x.index]! > MISS_EPS_H);
  const horizon = duration((grid.startAt[grid.count]! - grid.startAt[0]!) / 1000);
  if (t.finishSlot === null) {
    return misses ? `LP: will miss its deadline ${dateTime(t.dueAt!)}; even planned past it, its work does not all fit within the ${horizon} horizon` : `LP: its work does not all fit within the ${horizon} horizon${due}`;
  }
  const finish = grid.startAt[t.finishSlot + 1]!;
  if (misses && finish > t.dueAt!) {
    // Late work is planned past the deadline, each hour late priced (model.ts): rented capacity here buys an earlier finish.
    const rented = t.groups.some((x) => r.cloudH[x.index]! > 1e-6);
    return `LP: will miss its deadline ${dateTime(t.dueAt!)} by ~${duration((finish - t.dueAt!) / 1000)}; ${rented ? "with rented capacity" : "with all capacity it may use"} it finishes by ${dateTime(finish)}`;
  }
  if (t.groups.some((x) => r.cloudH[x.index]! > 1e-6)) return `LP: keeps${due ? due.slice(1) : " its plan"} with rented capacity for its group`;
  if (r.cappedNow.has(g.clientId)) return `LP: client ${g.clientId} is at its cap of ${clientMax} on-prem slot(s)`;
  const full = g.resources.some((x) => r.fullNow[x.index]);
  return `LP: planned to finish by ${dateTime(finish)}${due}${full ? "; its eligible nodes are fully planned now" : ""}`;
}

/** The guarantee rule (policy.guaranteeRule): the work it counts and serves is deferred work too, unless deferral wins ("beside-tariff"). */
function guaranteeRule(input: LpStageInput, pools: readonly SlotPool[], deferrals: Map<string, Deferral>, plan: GuaranteePlan): GuaranteeRule {
  const { policy, now, ledger } = input;
  const owedWork = policy.guaranteeRule === "beside-tariff" ? input.ordered.filter((s) => !deferrals.has(s.job.id)) : input.ordered;
  // Every snapshot job has a state (prepare-cycle.ts): its client, without a second map of all jobs.
  return new GuaranteeRule(pools, owedWork, ledger.guaranteeFractions(), (id) => input.states.get(id)?.job.clientId, (l) => l.expectedEndAt > now + policy.preassignWithinSec * 1000, plan);
}

/**
 * Whether the LP plans work in a later slot priced at least policy.tariff.minSaving below now (the
 * deferral test of {@link deferralsFrom}): then a node it keeps asleep is part of its tariff timing, and
 * "beside-tariff" wakes none for a guarantee (energy ≫ guarantees): waking them anyway ran delivery-burst's
 * backlog at the dear hour, energy 38.70 → 42.52.
 */
function cheaperHourAhead(reading: LpReading, grid: SlotGrid, input: LpStageInput): boolean {
  const { curve, now, policy } = input;
  if (!curve || !policy.tariff.enabled) return false;
  const limit = curve.priceAt(now) * (1 - policy.tariff.minSaving);
  for (let t = 1; t < grid.count; t++) {
    if (!reading.plannedH.some((p) => p[t]! > 1e-6)) continue;
    if (curve.average(grid.startAt[t]!, grid.startAt[t + 1]!) <= limit) return true;
  }
  return false;
}
