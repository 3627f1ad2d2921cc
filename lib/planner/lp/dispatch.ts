import type { Assignment, Job, Policy } from "../types.ts";
import { dateTime } from "../format.ts";
import { speedOf } from "../matching/node-classes.ts";
import { hasSlot, type Slot, type SlotPool, takeSlot } from "../matching/slot-pools.ts";
import { taskOrder } from "../preview/order.ts";
import type { ShareLedger } from "../shares/ledger.ts";
import { taskId } from "../task-id.ts";
import type { JobState, StepState } from "../work/job-state.ts";
import type { Group, Member } from "./groups.ts";
import type { LpReading } from "./read.ts";
import type { CloudResource, Resource } from "./resources.ts";
import { tailTooSlow } from "./tail-rule.ts";

export interface QuotaDispatchInput {
  groups: readonly Group[];
  reading: LpReading;
  resources: readonly Resource[];
  clouds: readonly CloudResource[];
  pools: readonly SlotPool[];
  ledger: ShareLedger;
  policy: Policy;
  now: number;
  /** Jobs that may run now, in dispatch order (for the work-conserving fill). */
  ordered: readonly JobState[];
  deferred: ReadonlySet<string>;
  cloudOk: (job: Job) => boolean;
}

export interface QuotaDispatchResult {
  assignments: Assignment[];
  placed: Map<string, number>;
  capped: Set<string>;
}

/**
 * Rounds the LP's first slot into assignments. Per group, most urgent first, each resource's
 * quota of nodes (the LP's slot-0 node-hours ÷ the slot's hours, rounded up past 0.3) goes to the
 * group's jobs in dispatch order (a job with no frame yet first, for an early look), on the
 * eligible classes best fit first and the fastest free node within a class, a queued slot behind
 * a task ending soon when no node is free. Then free slots the rounding left go to any job the
 * LP does not defer, in dispatch order, within its client's cap (work conservation).
 * A tail task skips a node that would finish it after the deadline when another eligible pool
 * (free, or freeing within a minute) finishes it sooner (tail-rule.ts).
 */
export function dispatchQuotas(input: QuotaDispatchInput): QuotaDispatchResult {
  const d = new Dispatcher(input);
  const order = input.groups.map((g, i) => i).sort((a, b) => urgency(input.groups[a]!, input.groups[b]!) || a - b);
  for (const gi of order) {
    const g = input.groups[gi]!;
    const members = firstFrameFirst(g.members);
    const due = g.dueAt === null ? "" : ` due ${dateTime(g.dueAt)}`;
    for (const [r, q] of sorted(input.reading.quotaOnprem[gi]!)) {
      const res = input.resources[r]!;
      const pools = res.classes.map((c) => input.pools[c.index]!);
      d.fill(members, pools, Math.ceil(q - 0.3), `LP: ${q.toFixed(1)} × ${res.label} now for ${g.clientId}'s ${g.kind} work${due}`);
    }
    for (const [o, q] of sorted(input.reading.quotaCloud[gi]!)) {
      const type = input.clouds[o]!.offer.instanceType;
      const pools = input.pools.filter((p) => p.cls.pool === "cloud" && p.cls.nodes[0]?.instanceType === type);
      d.fill(members, pools, Math.ceil(q - 0.3), `LP: ${q.toFixed(1)} rented ${type} now for ${g.clientId}'s ${g.kind} work${due}`);
    }
  }
  const anyFree = () => input.pools.some((p) => p.freeHead < p.free.length);
  for (const s of input.ordered) {
    if (!anyFree()) break;
    if (input.deferred.has(s.job.id)) continue;
    for (const st of s.steps) {
      if (st.allowance <= 0) continue;
      d.fill([{ s, st, workH: 0, dueAt: null, dueSlot: 0 }], d.poolsOf(st, input.cloudOk(s.job)), Infinity, "idle capacity the LP's rounding left free", true);
    }
  }
  return d.result();
}

function urgency(a: Group, b: Group): number {
  const da = a.dueAt ?? Infinity;
  const db = b.dueAt ?? Infinity;
  return da - db || b.priority - a.priority;
}

function sorted(m: Map<number, number>): [number, number][] {
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

/** A job with no frame yet: nothing done or running in any step. */
export function isFresh(s: JobState): boolean {
  return s.steps.every((st) => st.step.doneTasks === 0 && st.running === 0);
}

/** Members with the same due slot (best effort: one bucket) share a deadline bucket. */
function bucketOf(m: Member): number {
  return m.dueAt === null ? Infinity : m.dueSlot;
}

/**
 * The first-frame rule as a tie-breaker: within each due-slot bucket (members arrive in deadline
 * order), jobs with no frame yet come first. Never across buckets: a fresh job due later must not
 * take the slots of work due earlier.
 */
export function firstFrameFirst(members: readonly Member[]): Member[] {
  const out: Member[] = [];
  for (let i = 0; i < members.length;) {
    let j = i;
    while (j < members.length && bucketOf(members[j]!) === bucketOf(members[i]!)) j++;
    const run = members.slice(i, j);
    out.push(...run.filter((m) => isFresh(m.s)), ...run.filter((m) => !isFresh(m.s)));
    i = j;
  }
  return out;
}

class Dispatcher {
  readonly assignments: Assignment[] = [];
  readonly placed = new Map<string, number>();
  readonly capped = new Set<string>();
  private cursors = new Map<StepState, Iterator<number>>();

  constructor(private readonly input: QuotaDispatchInput) {}

  poolsOf(st: StepState, cloudOk: boolean): SlotPool[] {
    const out: SlotPool[] = [];
    for (const c of st.eligible) if (c.pool === "onprem" || cloudOk) out.push(this.input.pools[c.index]!);
    return out;
  }

  /** Up to `count` tasks of `members` (in order) onto `pools`; `freeOnly` leaves queued slots alone. */
  fill(members: readonly Member[], pools: readonly SlotPool[], count: number, why: string, freeOnly = false): void {
    const { ledger, policy } = this.input;
    let left = count;
    for (const m of members) {
      const { s, st } = m;
      while (left > 0 && st.allowance > 0) {
        let slot: Slot | null = null;
        let sawCap = false;
        for (const pool of pools) {
          if (!hasSlot(pool) || (freeOnly && pool.freeHead >= pool.free.length)) continue;
          if (pool.cls.pool === "onprem" && !ledger.belowMax(s.job.clientId)) { sawCap = true; continue; }
          if (tailTooSlow(s, st, pool, this.poolsOf(st, this.input.cloudOk(s.job)), this.input.now, policy.failures.blocklistAfter)) continue;
          slot = takeSlot(pool, s.job, policy.failures.blocklistAfter, freeOnly);
          if (slot) break;
        }
        if (!slot) {
          if (sawCap) this.capped.add(s.job.id);
          break;
        }
        const index = this.nextTask(s, st);
        if (index === undefined) { st.allowance = 0; break; }
        st.allowance--;
        left--;
        if (slot.node.pool === "onprem") ledger.add(s.job.clientId, 1);
        this.placed.set(s.job.id, (this.placed.get(s.job.id) ?? 0) + 1);
        this.assignments.push({
          nodeId: slot.node.id, jobId: s.job.id, stepName: st.step.name, taskIndex: index,
          taskId: taskId(s.job.id, st.step.name, index), frames: index * st.step.framesPerTask,
          estimatedSec: Math.round(st.taskSec / speedOf(slot.node.speed, st.step.kind)), queued: slot.queued,
          reason: slot.queued ? `${why}; queued behind the running task` : `${why}; starts now`,
        });
      }
      if (left <= 0) return;
    }
  }

  private nextTask(s: JobState, st: StepState): number | undefined {
    let it = this.cursors.get(st);
    if (!it) this.cursors.set(st, (it = taskOrder(st.step.pending, st.step.taskCount, s.job.preview.previewFirst)));
    for (let r = it.next(); !r.done; r = it.next()) if (!st.dead.has(r.value)) return r.value;
    return undefined;
  }

  result(): QuotaDispatchResult {
    return { assignments: this.assignments, placed: this.placed, capped: this.capped };
  }
}
