/**
 * The discrete-event loop. Events (submissions, attempt ends, node boot/wake/repair, crashes,
 * spot notices and kills, deadline and priority edits) change the state; the same plan
 * function the service calls runs on a periodic tick and, coalesced, shortly after any
 * event that changes what should run. Deterministic: no clock, no Math.random.
 */
import type { Policy } from "../planner/index.ts";
import { applyPlan } from "./apply-plan.ts";
import { enforceBudgets, onSpotKill, onSpotNotice, terminate } from "./cloud.ts";
import type { Ctx, SimEv } from "./context.ts";
import { EventHeap } from "./event-heap.ts";
import { Meter } from "./meter.ts";
import { exponential, hashSeed, mulberry32 } from "./rng.ts";
import { toSnapshot } from "./snapshot.ts";
import { activeJobs, createState } from "./state.ts";
import { abandonAll, finishAttempt, startQueued } from "./tasks.ts";
import type { PlanFn, Scenario, SimOptions, SimResult } from "./types.ts";
import { jobRows } from "./job-rows.ts";

/** Crash times per node: scheduled ones from the scenario and random ones from the seed. */
export function crashEvents(sc: Scenario): { at: number; nodeId: string; downSec: number }[] {
  const out: { at: number; nodeId: string; downSec: number }[] = [];
  for (const e of sc.events) if (e.type === "crash") out.push({ at: e.at, nodeId: e.nodeId, downSec: e.downSec });
  if (sc.faults.nodeCrashPerHour <= 0) return out;
  for (const n of sc.nodes) {
    const r = mulberry32(hashSeed(sc.seed, `crash|${n.id}`));
    let t = sc.startAt;
    for (;;) {
      t += Math.round(exponential(r, sc.faults.nodeCrashPerHour) * 3600_000);
      if (!(t < sc.endAt)) break;
      out.push({ at: t, nodeId: n.id, downSec: sc.faults.crashDownSec });
    }
  }
  return out;
}

function scheduleEvents(sc: Scenario, heap: EventHeap<SimEv>): void {
  for (const e of sc.events) if (e.type !== "crash") heap.push({ at: e.at, rank: 0, type: "edit", edit: e });
  for (const c of crashEvents(sc)) heap.push({ at: c.at, rank: 0, type: "crash", nodeId: c.nodeId, downSec: c.downSec });
}

function handle(ctx: Ctx, ev: SimEv): void {
  const { st } = ctx;
  switch (ev.type) {
    case "submit": {
      const j = st.jobs.get(ev.jobId)!;
      j.submitted = true;
      ctx.requestPlan();
      break;
    }
    case "attempt-end": {
      const node = st.nodes.get(ev.nodeId);
      const a = node?.running.find((x) => x.id === ev.attemptId);
      if (!node || !a) return;
      finishAttempt(ctx, node, a);
      startQueued(ctx, node);
      ctx.requestPlan();
      break;
    }
    case "node-ready": {
      const node = st.nodes.get(ev.nodeId);
      if (!node || node.epoch !== ev.epoch || (node.status !== "booting" && node.status !== "offline")) return;
      node.status = "ready";
      node.readyAt = null;
      node.idleSince = st.now;
      ctx.requestPlan();
      break;
    }
    case "crash": {
      const node = st.nodes.get(ev.nodeId);
      if (!node || node.status === "offline") return;
      ctx.meter.tally.crashes++;
      abandonAll(ctx, node, false);
      ctx.meter.forgetGap(node.id);
      node.status = "offline";
      ctx.heap.push({ at: st.now + ev.downSec * 1000, rank: 0, type: "node-ready", nodeId: node.id, epoch: node.epoch });
      ctx.requestPlan();
      break;
    }
    case "spot-notice": {
      const node = st.nodes.get(ev.nodeId);
      if (node && node.epoch === ev.epoch) { onSpotNotice(ctx, node); ctx.requestPlan(); }
      break;
    }
    case "spot-kill": {
      const node = st.nodes.get(ev.nodeId);
      if (node) { onSpotKill(ctx, node); ctx.requestPlan(); }
      break;
    }
    case "edit": {
      const j = st.jobs.get(ev.edit.type === "crash" ? "" : ev.edit.jobId);
      if (!j) return;
      if (ev.edit.type === "deadline") j.job.deadlineAt = ev.edit.deadlineAt;
      if (ev.edit.type === "priority") j.job.priority = ev.edit.priority;
      ctx.requestPlan();
      break;
    }
    case "plan":
      runPlan(ctx);
      break;
  }
  ctx.meter.markDirty();
}

function runPlan(ctx: Ctx): void {
  enforceBudgets(ctx);
  const snap = toSnapshot(ctx.st, ctx.sc, ctx.policy, ctx.opts);
  const plan = ctx.planFn(snap, ctx.policy, ctx.st.now);
  ctx.meter.tally.plans++;
  applyPlan(ctx, plan);
}

/** Run one scenario under one plan function; the result holds per-job outcomes and tallies. */
export function simulate(sc: Scenario, planFn: PlanFn, policy: Policy, policyName: string, opts: SimOptions = {}): SimResult {
  const st = createState(sc);
  const heap = new EventHeap<SimEv>();
  const sampleMs = Math.max(60_000, Math.round((opts.sampleSec ?? (sc.endAt - sc.startAt) / 1000 / 300) * 1000));
  let pendingTrigger: number | null = null;
  const ctx: Ctx = {
    sc, st, planFn, policy, opts, heap, meter: new Meter(sc.startAt, sampleMs), outcomes: new Map(), warnings: [],
    ...(opts.recordAttempts ? { attempts: [] } : {}),
    requestPlan() {
      if (pendingTrigger !== null) return;
      pendingTrigger = st.now + sc.replanDelaySec * 1000;
      heap.push({ at: pendingTrigger, rank: 1, type: "plan", tick: false });
    },
  };
  for (const j of sc.jobs) heap.push({ at: Math.max(sc.startAt, j.submitAt), rank: 0, type: "submit", jobId: j.job.id });
  scheduleEvents(sc, heap);
  heap.push({ at: sc.startAt, rank: 1, type: "plan", tick: true });
  let lastPlanAt = -1;
  let unsubmitted = sc.jobs.length;
  let frozen = false;
  while (heap.size > 0) {
    const ev = heap.pop()!;
    if (ev.at > sc.endAt) break;
    ctx.meter.advance(ctx, ev.at);
    st.now = ev.at;
    if (ev.type === "submit") unsubmitted--;
    if (ev.type === "plan") {
      if (!ev.tick) pendingTrigger = null;
      const idle = unsubmitted === 0 && activeJobs(st).length === 0;
      const cloudLeft = [...st.nodes.values()].some((n) => n.pool === "cloud");
      // Ticks go on for an hour after the work is done, so the policy can power its idle on-prem nodes down (and release cloud nodes).
      if (ev.tick && !(idle && !cloudLeft && st.now - lastFinish(st) > IDLE_GRACE_MS)) heap.push({ at: ev.at + sc.planIntervalSec * 1000, rank: 1, type: "plan", tick: true });
      if (ev.at === lastPlanAt) continue;
      lastPlanAt = ev.at;
      // Once the work is done, give the policy an hour to release cloud nodes, then stop them.
      if (idle && cloudLeft && st.now - lastFinish(st) > IDLE_GRACE_MS) {
        for (const n of [...st.nodes.values()]) if (n.pool === "cloud") terminate(ctx, n);
        continue;
      }
    }
    handle(ctx, ev);
    if (!frozen && unsubmitted === 0 && activeJobs(st).length === 0) { frozen = true; ctx.meter.freezeActive(); }
  }
  if (!frozen) { ctx.meter.advance(ctx, Math.min(sc.endAt, Math.max(st.now, sc.endAt))); ctx.meter.freezeActive(); }
  for (const n of [...st.nodes.values()]) if (n.pool === "cloud") { ctx.meter.advance(ctx, Math.min(sc.endAt, st.now)); terminate(ctx, n); }
  ctx.meter.advance(ctx, sc.endAt);
  return {
    scenario: sc.name, policy: policyName, startAt: sc.startAt, endAt: sc.endAt, jobs: jobRows(st),
    tally: ctx.meter.tally, series: ctx.meter.series, warnings: ctx.warnings,
    ...(ctx.attempts ? { attempts: ctx.attempts } : {}),
  };
}

/**
 * How long plans keep running once every job is done: an hour for the policy to release cloud nodes
 * (then the engine stops them) and to power idle on-prem nodes down. Without it the last plan was the
 * one at the last finish, so nodes busy to the end stayed awake, at idle draw, to the end of the
 * horizon (trace-replay burstfarm: 20 nodes for ~14 h, energy_total_cost 19.14, 14.34 with the hour).
 */
const IDLE_GRACE_MS = 3600_000;

function lastFinish(st: Ctx["st"]): number {
  let t = 0;
  for (const j of st.jobs.values()) if (j.finishedAt !== null && j.finishedAt > t) t = j.finishedAt;
  return t;
}
