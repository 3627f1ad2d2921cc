import type { Assignment, Job, Policy } from "../types.ts";
import { taskOrder } from "../preview/order.ts";
import type { ShareLedger } from "../shares/ledger.ts";
import { taskId } from "../task-id.ts";
import type { JobState, StepState } from "../work/job-state.ts";
import { speedOf } from "./node-classes.ts";
import { comparativeAffinity, freeCount, hasSlot, type SlotPool, takeSlot } from "./slot-pools.ts";

export interface DispatchInput {
  /** Jobs that may run now, in dispatch order. */
  ordered: readonly JobState[];
  pools: readonly SlotPool[];
  ledger: ShareLedger;
  policy: Policy;
  meanSpeed: (kind: string) => number;
  /** May this job use rented cloud nodes right now. */
  cloudOk: (job: Job) => boolean;
}

export interface DispatchResult {
  assignments: Assignment[];
  placed: Map<string, number>;
  /** Jobs that found free eligible on-prem slots but were stopped by their client's cap. */
  capped: Set<string>;
}

type Pass = "guarantee" | "lend";

/**
 * Two passes over the jobs in dispatch order (Kueue: nominate, then borrow): first every client
 * with demand is filled up to its guaranteed share; then idle capacity is lent in urgency order
 * up to each client's cap. Each task goes to the eligible class with the best affinity for its
 * kind (ties: the best-fitting class), and within a class to the fastest free node.
 */
export function dispatch(input: DispatchInput): DispatchResult {
  const state = new DispatchState(input);
  for (const pass of ["guarantee", "lend"] as const) {
    for (const s of input.ordered) {
      if (state.slotsLeft === 0) return state.result();
      for (const st of stepsInOrder(s)) state.fillStep(s, st, pass);
    }
  }
  return state.result();
}

function stepsInOrder(s: JobState): StepState[] {
  const runnable = s.steps.filter((st) => st.allowance > 0);
  return [...runnable.filter((st) => st.step.role === "preview"), ...runnable.filter((st) => st.step.role !== "preview")];
}

class DispatchState {
  readonly assignments: Assignment[] = [];
  readonly placed = new Map<string, number>();
  readonly capped = new Set<string>();
  slotsLeft: number;
  private cursors = new Map<StepState, Iterator<number>>();
  /** Ranked pools per (eligible set, kind): steps with equal requirements share one list. */
  private ranked = new Map<readonly unknown[], Map<string, SlotPool[]>>();

  private affinity: ReturnType<typeof comparativeAffinity>;

  constructor(private readonly input: DispatchInput) {
    this.slotsLeft = input.pools.reduce((t, p) => t + freeCount(p), 0);
    const kinds = new Set<string>();
    for (const s of input.ordered) for (const st of s.steps) if (st.allowance > 0) kinds.add(st.step.kind);
    this.affinity = comparativeAffinity([...kinds].sort(), input.meanSpeed);
  }

  fillStep(s: JobState, st: StepState, pass: Pass): void {
    const { job } = s;
    const { ledger, policy } = this.input;
    while (st.allowance > 0 && this.slotsLeft > 0) {
      const onpremOk = pass === "guarantee" ? ledger.belowGuarantee(job.clientId) : ledger.belowMax(job.clientId);
      const cloudOk = pass === "lend" && this.input.cloudOk(job);
      let slot = null;
      let sawCappedOnprem = false;
      for (const pool of this.poolsFor(st)) {
        if (!hasSlot(pool)) continue;
        if (pool.cls.pool === "onprem" && !onpremOk) { sawCappedOnprem = true; continue; }
        if (pool.cls.pool === "cloud" && !cloudOk) continue;
        slot = takeSlot(pool, job, policy.failures.blocklistAfter);
        if (slot) break;
      }
      if (!slot) {
        if (sawCappedOnprem && pass === "lend") this.capped.add(job.id);
        return;
      }
      const index = this.nextTask(s, st);
      if (index === undefined) { st.allowance = 0; return; } // cannot happen while allowance > 0
      this.slotsLeft--;
      st.allowance--;
      if (slot.node.pool === "onprem") ledger.add(job.clientId, 1);
      this.placed.set(job.id, (this.placed.get(job.id) ?? 0) + 1);
      const speed = slot.node.speed[st.step.kind] ?? speedOf({}, st.step.kind);
      this.assignments.push({
        nodeId: slot.node.id,
        jobId: job.id,
        stepName: st.step.name,
        taskIndex: index,
        taskId: taskId(job.id, st.step.name, index),
        frames: index * st.step.framesPerTask,
        estimatedSec: Math.round(st.taskSec / (speed > 0 ? speed : 1)),
        queued: slot.queued,
        reason: `${pass === "guarantee" ? "within guaranteed share" : "lent idle capacity"}; ${slot.queued ? "queued behind the running task" : "starts now"}`,
      });
    }
  }

  private poolsFor(st: StepState): SlotPool[] {
    let byKind = this.ranked.get(st.eligible);
    if (!byKind) this.ranked.set(st.eligible, (byKind = new Map()));
    let list = byKind.get(st.step.kind);
    if (!list) {
      const kind = st.step.kind;
      const pools = st.eligible.map((c) => this.input.pools[c.index]!);
      // Stable sort keeps the best-fit order of `eligible` among equal affinities.
      list = pools.map((p, i) => ({ p, i, a: Math.round(this.affinity(p.cls, kind) * 100) }))
        .sort((x, y) => y.a - x.a || x.i - y.i)
        .map((x) => x.p);
      byKind.set(kind, list);
    }
    return list;
  }

  private nextTask(s: JobState, st: StepState): number | undefined {
    let it = this.cursors.get(st);
    if (!it) {
      it = taskOrder(st.step.pending, st.step.taskCount, s.job.preview.previewFirst);
      this.cursors.set(st, it);
    }
    for (let r = it.next(); !r.done; r = it.next()) if (!st.dead.has(r.value)) return r.value;
    return undefined;
  }

  result(): DispatchResult {
    return { assignments: this.assignments, placed: this.placed, capped: this.capped };
  }
}
