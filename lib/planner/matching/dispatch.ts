import type { Assignment, Job, Policy } from "../types.ts";
import { TaskCursor } from "../preview/order.ts";
import type { ShareLedger } from "../shares/ledger.ts";
import { taskId } from "../task-id.ts";
import type { JobState, StepState } from "../work/job-state.ts";
import { speedOf } from "./node-classes.ts";
import { comparativeAffinity, freeCount, freeNowCount, hasSlot, type SlotPool, takeSlot } from "./slot-pools.ts";

export interface DispatchInput {
  /** Jobs that may run now, in dispatch order. */
  ordered: readonly JobState[];
  pools: readonly SlotPool[];
  ledger: ShareLedger;
  policy: Policy;
  meanSpeed: (kind: string) => number;
  /** May this job use rented cloud nodes right now. */
  cloudOk: (job: Job) => boolean;
  /** Jobs in the urgent tier (slack below the policy's threshold, late ones included). */
  urgent: ReadonlySet<string>;
}

export interface DispatchResult {
  assignments: Assignment[];
  placed: Map<string, number>;
  /** Jobs that found free eligible on-prem slots but were stopped by their client's cap. */
  capped: Set<string>;
}

type Pass = "first-frame" | "urgent" | "guarantee" | "lend";

/**
 * Passes over the jobs in dispatch order (Kueue: nominate, then borrow):
 * 1. urgent — jobs about to miss their deadline take slots, up to their client's cap, but only
 *    slots that no client below its guarantee needs: shares are counted in slots, so a client
 *    owed 13 slots is still owed 13 if an urgent job takes the one GPU box it did not need;
 * 1b. first frame — a job with nothing rendered or running yet gets one task, so an artist sees
 *    a frame early (Royal Render gives preview renders +20 priority), on the same terms as 1;
 * 2. guarantee — every client with demand is filled up to its guaranteed share;
 * 3. lend — idle capacity goes in urgency order up to each client's cap.
 * Each task goes to the eligible class with the best affinity for its kind (ties: the
 * best-fitting class), and within a class to the fastest free node.
 */
export function dispatch(input: DispatchInput): DispatchResult {
  const state = new DispatchState(input);
  for (const pass of ["urgent", "first-frame", "guarantee", "lend"] as const) {
    for (const s of input.ordered) {
      if (state.slotsLeft === 0) return state.result();
      if (pass === "urgent" && !input.urgent.has(s.job.id)) continue;
      if (pass === "first-frame") {
        if (!hasNoFrameYet(s)) continue;
        const st = stepsInOrder(s)[0];
        if (st) state.fillStep(s, st, pass, 1);
        continue;
      }
      for (const st of stepsInOrder(s)) state.fillStep(s, st, pass);
    }
  }
  return state.result();
}

function freeNow(classes: ReadonlySet<number>, pools: readonly SlotPool[]): number {
  let free = 0;
  for (const i of classes) free += freeNowCount(pools[i]!);
  return free;
}

function hasNoFrameYet(s: JobState): boolean {
  return s.steps.every((st) => st.step.doneTasks === 0 && st.running === 0);
}

const PASS_REASON: Record<Pass, string> = {
  "first-frame": "first frame of the job, for an early look",
  urgent: "urgent: deadline close, slot not owed to another client",
  guarantee: "within guaranteed share",
  lend: "lent idle capacity",
};

function stepsInOrder(s: JobState): StepState[] {
  const runnable = s.steps.filter((st) => st.allowance > 0);
  return [...runnable.filter((st) => st.step.role === "preview"), ...runnable.filter((st) => st.step.role !== "preview")];
}

class DispatchState {
  readonly assignments: Assignment[] = [];
  readonly placed = new Map<string, number>();
  readonly capped = new Set<string>();
  slotsLeft: number;
  private cursors = new Map<StepState, TaskCursor>();
  /** Ranked pools per (eligible set, kind): steps with equal requirements share one list. */
  private ranked = new Map<readonly unknown[], Map<string, SlotPool[]>>();

  private affinity: ReturnType<typeof comparativeAffinity>;

  /** On-prem classes each client's runnable work may use (for the urgent pass's guard). */
  private eligibleByClient = new Map<string, Set<number>>();

  constructor(private readonly input: DispatchInput) {
    this.slotsLeft = input.pools.reduce((t, p) => t + freeCount(p), 0);
    const kinds = new Set<string>();
    for (const s of input.ordered) {
      let set = this.eligibleByClient.get(s.job.clientId);
      if (!set) this.eligibleByClient.set(s.job.clientId, (set = new Set()));
      for (const st of s.steps) {
        if (st.allowance <= 0) continue;
        kinds.add(st.step.kind);
        for (const c of st.eligibleOnprem) set.add(c.index);
      }
    }
    this.affinity = comparativeAffinity([...kinds].sort(), input.meanSpeed);
  }

  /**
   * Taking a slot of this pool leaves the other clients below their guarantee enough eligible
   * slots free right now: each alone, and all of them together (the two ends of Hall's
   * condition; exact when clients' work fits the same classes).
   */
  private spareForUrgent(pool: SlotPool, clientId: string): boolean {
    const { ledger, pools } = this.input;
    const union = new Set<number>();
    let totalGap = 0;
    let affected = false;
    for (const [other, eligible] of this.eligibleByClient) {
      if (other === clientId) continue;
      const gap = Math.min(ledger.guaranteeOf(other), ledger.demandOf(other)) - ledger.usedBy(other);
      if (gap <= 0) continue;
      for (const i of eligible) union.add(i);
      totalGap += gap;
      if (!eligible.has(pool.cls.index)) continue;
      affected = true;
      // Count only slots free right now: a slot freeing soon may not free in time.
      if (freeNow(eligible, pools) - 1 < gap) return false;
    }
    return !affected || freeNow(union, pools) - 1 >= totalGap;
  }

  fillStep(s: JobState, st: StepState, pass: Pass, most = Infinity): void {
    const { job } = s;
    const { ledger, policy } = this.input;
    for (let n = 0; n < most && st.allowance > 0 && this.slotsLeft > 0; n++) {
      const onpremOk = pass === "guarantee" ? ledger.belowGuarantee(job.clientId) : ledger.belowMax(job.clientId);
      const cloudOk = pass !== "guarantee" && this.input.cloudOk(job);
      let slot = null;
      let sawCappedOnprem = false;
      for (const pool of this.poolsFor(st)) {
        if (!hasSlot(pool)) continue;
        if (pool.cls.pool === "onprem" && !onpremOk) { sawCappedOnprem = true; continue; }
        if (pool.cls.pool === "onprem" && (pass === "urgent" || pass === "first-frame") && !this.spareForUrgent(pool, job.clientId)) continue;
        if (pool.cls.pool === "cloud" && !cloudOk) continue;
        slot = takeSlot(pool, job, { after: policy.failures.blocklistAfter, forgiven: s.forgiven });
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
      const speed = speedOf(slot.node.speed, st.step.kind);
      this.assignments.push({
        nodeId: slot.node.id,
        jobId: job.id,
        stepName: st.step.name,
        taskIndex: index,
        taskId: taskId(job.id, st.step.name, index),
        frames: index * st.step.framesPerTask,
        estimatedSec: Math.round(st.taskSec / speed),
        queued: slot.queued,
        reason: `${PASS_REASON[pass]}; ${slot.queued ? "queued behind the running task" : "starts now"}`,
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
      it = new TaskCursor(st.step.pending, st.step.taskCount, s.job.preview.previewFirst);
      this.cursors.set(st, it);
    }
    for (let i = it.next(); i >= 0; i = it.next()) if (!st.dead.has(i)) return i;
    return undefined;
  }

  result(): DispatchResult {
    return { assignments: this.assignments, placed: this.placed, capped: this.capped };
  }
}
