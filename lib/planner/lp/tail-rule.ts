import { speedOf } from "../matching/node-classes.ts";
import { nodeAccepts, type SlotPool } from "../matching/slot-pools.ts";
import type { Refusal } from "../matching/refusals.ts";
import type { JobState, StepState } from "../work/job-state.ts";
import type { FarmNode } from "../types.ts";
import type { NodeClass } from "../matching/node-classes.ts";
import { WAKE_SEC } from "./resources.ts";

/** A busy node whose running task ends within this many seconds counts as freeing now for the tail rule. */
export const TAIL_FREEING_SEC = 60;

/** A node not ready yet and when it will be: booting (rented or woken), or asleep and woken by this plan. */
export interface Coming { node: FarmNode; readyAt: number }

const NONE_COMING: readonly Coming[] = [];

/**
 * Per class of the pools, its nodes about to be ready: found once per dispatch, not at every tail
 * check (the fill asks tailTooSlow for each task it places, and a class may hold thousands of nodes).
 */
export function comingNodes(pools: readonly SlotPool[], waking: ReadonlySet<FarmNode> | undefined, now: number): Map<NodeClass, Coming[]> {
  const out = new Map<NodeClass, Coming[]>();
  for (const p of pools) {
    if (out.has(p.cls)) continue;
    const list: Coming[] = [];
    for (const n of p.cls.nodes) {
      if (n.status === "booting") list.push({ node: n, readyAt: Math.max(now, n.readyAt ?? now + WAKE_SEC * 1000) });
      else if (waking?.has(n)) list.push({ node: n, readyAt: now + WAKE_SEC * 1000 });
    }
    out.set(p.cls, list);
  }
  return out;
}

/**
 * The tail-task rule: a task of `st` should not go on `pool` when that node would finish it after
 * the job's deadline while other eligible pools — free nodes, busy ones freeing within
 * {@link TAIL_FREEING_SEC}, or nodes about to be ready (booting, or asleep ones the plan wakes,
 * counted from when they are ready) — finish it sooner and have a slot for each task the step has left
 * (so skipping the slow node never costs the job throughput it needs; the slow node stays for
 * other work and the next cycle places the task on the faster one).
 */
export function tailTooSlow(s: JobState, st: StepState, pool: SlotPool, alternatives: readonly SlotPool[], now: number, refusal: Refusal, safetySigma: number, coming: ReadonlyMap<NodeClass, readonly Coming[]>): boolean {
  const due = s.job.deadlineAt;
  if (due === null) return false;
  // No closure here: the fill asks this for every task it places (thousands per cycle).
  const here = now + paddedRunMs(st, pool, safetySigma);
  if (here <= due) return false;
  let sooner = 0;
  for (const p of alternatives) {
    if (p === pool || p.cls === pool.cls) continue;
    const run = paddedRunMs(st, p, safetySigma);
    if (now + run >= here) continue;
    for (let i = p.freeHead; i < p.free.length && sooner < st.allowance; i++) if (nodeAccepts(p.free[i]!, s.job, refusal)) sooner++;
    for (let i = p.soonHead; i < p.soon.length && sooner < st.allowance; i++) {
      const n = p.soon[i]!;
      const freeAt = freesAt(n.leases, now);
      if (freeAt <= now + TAIL_FREEING_SEC * 1000 && freeAt + run < here && nodeAccepts(n, s.job, refusal)) sooner++;
    }
    // Nodes not ready yet count from when they are: booting ones (rented or woken) and asleep ones this plan wakes.
    const soon = coming.get(p.cls) ?? NONE_COMING;
    for (let i = 0; i < soon.length && sooner < st.allowance; i++) {
      const c = soon[i]!;
      if (c.readyAt + run < here && nodeAccepts(c.node, s.job, refusal)) sooner++;
    }
    if (sooner >= st.allowance) return true;
  }
  return false;
}

/**
 * For the work-conserving fill (work the LP did not plan now): a task of `st` should not start on
 * `pool` when that node would finish it after the job's deadline while another eligible class
 * would finish it in time — the LP planned that work there, and starting it on the slow node
 * only makes it late. Hopeless work (late on every class) still fills idle nodes.
 */
export function lateOnlyHere(s: JobState, st: StepState, pool: SlotPool, alternatives: readonly SlotPool[], now: number, safetySigma = 0): boolean {
  const due = s.job.deadlineAt;
  if (due === null) return false;
  if (now + paddedRunMs(st, pool, safetySigma) <= due) return false;
  // A loop, not closures: the idle fill asks this for every task it places.
  for (const p of alternatives) if (p.cls !== pool.cls && now + paddedRunMs(st, p, safetySigma) <= due) return true;
  return false;
}

/**
 * For the work-conserving fill: a task of a prerequisite (a job a waiting job depends on) should not
 * start on `pool` when other eligible classes would finish each task the step has left sooner, one
 * node slot per task, counting when each slot frees (free now, or when its running task ends). The
 * prerequisite's last task decides when its dependents may start, and so their first frames; the
 * idle slow node gains nothing a faster node freeing soon would not (priority-inversion: a sim
 * cache's last two tasks on GPU boxes at 0.4× held its final back 2.8 h while the 64-core nodes
 * freed within 20 minutes).
 */
export function prerequisiteSooner(s: JobState, st: StepState, pool: SlotPool, alternatives: readonly SlotPool[], now: number, refusal: Refusal): boolean {
  const runMs = (p: SlotPool) => (st.taskSec / speedOf(p.cls.speed, st.step.kind)) * 1000;
  const here = now + runMs(pool);
  const faster = alternatives.filter((p) => p !== pool && p.cls !== pool.cls && now + runMs(p) < here);
  // More tasks left than the faster classes have slots: the slow node is needed (checked first, in O(classes)).
  let slots = 0;
  for (const p of faster) slots += p.cls.slots;
  if (slots < st.allowance) return false;
  let sooner = 0;
  for (const p of faster) {
    const run = runMs(p);
    // Slots free now that this cycle has not handed out, then busy slots as their running tasks end.
    for (let i = p.freeHead; i < p.free.length; i++) if (nodeAccepts(p.free[i]!, s.job, refusal)) sooner++;
    for (const n of p.cls.nodes) {
      if (n.status !== "ready" || n.leases.length === 0 || !nodeAccepts(n, s.job, refusal)) continue;
      for (const at of busySlotsFree(n.slots, n.leases, now)) if (at + run < here) sooner++;
    }
    if (sooner >= st.allowance) return true;
  }
  return false;
}

/** When each of a node's busy slots frees: the latest `slots` lease ends (queued tasks run after the running ones). */
function busySlotsFree(slots: number, leases: readonly { expectedEndAt: number }[], now: number): number[] {
  const ends = leases.map((l) => Math.max(now, l.expectedEndAt)).sort((a, b) => a - b);
  return ends.slice(Math.max(0, ends.length - slots));
}

/**
 * A task's run on a pool's class, padded by `safetySigma` × the step's runtime spread: the same
 * allowance the LP's due times keep for one task (groups.ts), so a tail task is not judged in time
 * on a slow node by its mean runtime alone (peak-exhaustion, seeds 2 and 3: J21's last frames went
 * to half-speed GPU boxes due to end 5 minutes early, and ended 13 minutes late).
 */
function paddedRunMs(st: StepState, p: SlotPool, safetySigma: number): number {
  return ((1 + safetySigma * st.step.runtimeSpread) * st.taskSec / speedOf(p.cls.speed, st.step.kind)) * 1000;
}

/** When a busy node's first slot frees: its soonest-ending lease. */
export function freesAt(leases: readonly { expectedEndAt: number }[], now: number): number {
  let t = Infinity;
  for (const l of leases) t = Math.min(t, l.expectedEndAt);
  return Math.max(now, t);
}
