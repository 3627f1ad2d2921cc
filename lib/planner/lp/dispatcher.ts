import type { Assignment } from "../types.ts";
import { type NodeClass, speedOf } from "../matching/node-classes.ts";
import { hasSlot, type Slot, type SlotPool, takeSlot } from "../matching/slot-pools.ts";
import { TaskCursor } from "../preview/order.ts";
import { taskId } from "../task-id.ts";
import type { JobState, StepState } from "../work/job-state.ts";
import type { QuotaDispatchInput, QuotaDispatchResult } from "./dispatch.ts";
import type { Member } from "./groups.ts";
import { ClassEnergy, plansNoRental, wastefulForIdle } from "./energy-rule.ts";
import type { GuaranteeRule } from "./guarantee-rule.ts";
import { FirstFrames } from "./first-frame.ts";
import { type Coming, comingNodes, lateOnlyHere, prerequisiteSooner, tailTooSlow } from "./tail-rule.ts";

/** Members with the same due slot (best effort: one bucket) share a deadline bucket. */
export function bucketOf(m: Member): number {
  return m.dueAt === null ? Infinity : m.dueSlot;
}

/** Places tasks on the cycle's slot pools for dispatchQuotas (dispatch.ts), keeping the ledger and the placed counts. */
export class Dispatcher {
  readonly assignments: Assignment[] = [];
  readonly placed = new Map<string, number>();
  readonly capped = new Set<string>();
  readonly guaranteed = new Set<string>();
  /** Which jobs still await their first frame, and which slots would bring it sooner (first-frame.ts). */
  readonly firstFrames: FirstFrames;
  /** Each class's energy per unit of work, its nodes summed once this dispatch (energy-rule.ts). */
  readonly energy = new ClassEnergy();
  private cursors = new Map<StepState, TaskCursor>();
  /** Pools where LP quota work (deadline work) stepped aside for a client below its guarantee this cycle (the guard's exchange, {@link GuaranteeRule.canWait}). */
  readonly waitedOn = new Set<SlotPool>();

  /** The plan rents nothing (energy-rule.ts plansNoRental): work the idle fill does now cannot save a rental (cloud ≫ energy). */
  private readonly noRent: boolean;
  private readonly guard: GuaranteeRule | null;
  /** A guarantee placement skips the energy rules (guarantee-rule.ts {@link GuaranteeRule.beforeEnergy}). */
  readonly guaranteesFirst: boolean;
  /** Placing an LP quota (fillQuota): its deadline work waits for a client below its guarantee only where the plan has room (guarantee-rule.ts); other fills always wait. */
  private inQuota = false;
  /** Nodes about to be ready per class (tail-rule.ts comingNodes), found at the first tail check. */
  private coming: Map<NodeClass, Coming[]> | null = null;

  constructor(private readonly input: QuotaDispatchInput) {
    this.noRent = plansNoRental(input.groups, input.reading);
    this.guard = input.guarantee ?? null;
    this.guaranteesFirst = this.guard?.beforeEnergy(input.policy) ?? false;
    this.firstFrames = new FirstFrames(input.pools, input.now);
  }

  poolsOf(st: StepState, cloudOk: boolean): SlotPool[] {
    const out: SlotPool[] = [];
    for (const c of st.eligible) if (c.pool === "onprem" || cloudOk) out.push(this.input.pools[c.index]!);
    return out;
  }

  /** Nodes about to be ready per class, for the tail rule: one scan of the pools' nodes per dispatch, at the first ask. */
  private comingNodes(): Map<NodeClass, Coming[]> {
    return (this.coming ??= comingNodes(this.input.pools, this.input.waking, this.input.now));
  }

  /**
   * A group's quota on `pools`: first one task for each fresh job (no frame yet), in member order,
   * unless it takes a slot from work due earlier. It does not when the quota left covers the tasks
   * of members due in earlier buckets, or the LP plans the group a task ahead of its deadlines
   * (`ahead.h`, spent as fresh tasks take it), or — for at most a quarter of the quota — every
   * earlier member's safety margin (its deadline less the due time the LP plans to) is at least
   * twice the fresh tasks lent so far, so the tasks they push back still land well before their deadlines.
   * Then the rest in member order.
   */
  fillQuota(members: readonly Member[], pools: readonly SlotPool[], count: number, ahead: { h: number }, why: string): void {
    this.inQuota = true;
    try { this.fillQuotaOf(members, pools, count, ahead, why); } finally { this.inQuota = false; }
  }

  private fillQuotaOf(members: readonly Member[], pools: readonly SlotPool[], count: number, ahead: { h: number }, why: string): void {
    let left = count;
    let owedEarlier = 0;
    let marginMs = Infinity;
    let borrowed = 0;
    let lentMs = 0;
    let start = 0;
    for (let i = 0; i < members.length && left > 0; i++) {
      const m = members[i]!;
      if (i > 0 && bucketOf(m) !== bucketOf(members[i - 1]!)) {
        for (; start < i; start++) {
          const e = members[start]!;
          if (e.st.allowance <= 0) continue;
          owedEarlier += e.st.allowance;
          marginMs = Math.min(marginMs, e.dueAt === null || e.s.job.deadlineAt === null ? 0 : e.s.job.deadlineAt - e.dueAt);
        }
      }
      if (!m.s.fresh || this.placed.has(m.s.job.id)) continue;
      const taskH = m.st.taskSec / 3600;
      const spare = left > owedEarlier;
      const lend = !spare && ahead.h < taskH;
      if (lend && (marginMs - lentMs < 2 * m.st.taskSec * 1000 || borrowed + 1 > Math.max(1, count / 4))) continue;
      const n = this.fill([m], pools, 1, why);
      left -= n;
      if (lend) { borrowed += n; lentMs += n * m.st.taskSec * 1000; }
      else if (!spare) ahead.h -= n * taskH;
    }
    this.fill(members, pools, left, why);
  }

  /** Up to `count` tasks of `members` (in order) onto `pools`, how many placed; `freeOnly` leaves queued slots alone. */
  /** `idle`: the work-conserving fill (work the LP did not plan now), which never makes a task late on a slow node, nor holds a prerequisite's task on a node slower than others freeing soon, nor (tariff on) puts energy-intensive work on energy-wasteful hardware while the plan rents nothing (energy-rule.ts). */
  fill(members: readonly Member[], pools: readonly SlotPool[], count: number, why: string, freeOnly = false, idle = false): number {
    const { ledger, policy } = this.input;
    let left = count;
    let placed = 0;
    // Each assignment's reason starts with `why`: asked once here, not of every reason afterwards.
    const byGuarantee = why.startsWith("guarantee:");
    for (const m of members) {
      const { s, st } = m;
      // Once per member, not per pool and task: the fill runs thousands of times a cycle.
      const alternatives = this.poolsOf(st, this.input.cloudOk(s.job));
      // A job's steps do not change while dispatching: whether it is fresh is asked once per member, not per pool and task.
      const fresh = this.guard?.earlyLookPasses === true && s.fresh;
      const refusal = { after: policy.failures.blocklistAfter, forgiven: s.forgiven };
      while (left > 0 && st.allowance > 0) {
        let slot: Slot | null = null;
        let from: SlotPool | null = null;
        let sawCap = false;
        // Its first task passes the guard (below); placed once, the next one does not.
        const earlyLook = fresh && !this.placed.has(s.job.id);
        for (const pool of pools) {
          if (!hasSlot(pool) || (freeOnly && pool.freeHead >= pool.free.length)) continue;
          if (pool.cls.pool === "onprem" && !ledger.belowMax(s.job.clientId)) { sawCap = true; continue; }
          // A slot a client below its guarantee needs: this work waits unless that would cost a deadline,
          // or it is a fresh job's first task where the rule lets it pass (one slot for an artist's early look).
          const owed = earlyLook ? null : this.guard?.blocks(s.job.clientId, pool);
          if (owed && !this.inQuota) continue;
          if (owed && this.guard!.canWait(m, pool, owed)) { this.waitedOn.add(pool); continue; }
          if (tailTooSlow(s, st, pool, alternatives, this.input.now, refusal, policy.safetySigma, this.comingNodes())) continue;
          if (idle && lateOnlyHere(s, st, pool, alternatives, this.input.now, policy.safetySigma)) continue;
          if (idle && this.input.prerequisites?.has(s.job.id) && prerequisiteSooner(s, st, pool, alternatives, this.input.now, refusal)) continue;
          if (idle && !(byGuarantee && this.guaranteesFirst) && policy.tariff.enabled && s.job.energyIntensive && this.noRent && wastefulForIdle(st, pool, alternatives, this.energy)) continue;
          slot = takeSlot(pool, s.job, refusal, freeOnly);
          if (slot) { from = pool; break; }
        }
        if (!slot) {
          if (sawCap) this.capped.add(s.job.id);
          break;
        }
        const index = this.nextTask(s, st);
        if (index === undefined) { st.allowance = 0; break; }
        st.allowance--;
        left--;
        placed++;
        if (slot.node.pool === "onprem") ledger.add(s.job.clientId, 1);
        this.guard?.took(s.job.clientId, from!, slot.queued);
        this.placed.set(s.job.id, (this.placed.get(s.job.id) ?? 0) + 1);
        if (byGuarantee) this.guaranteed.add(s.job.id);
        this.assignments.push({
          nodeId: slot.node.id, jobId: s.job.id, stepName: st.step.name, taskIndex: index,
          taskId: taskId(s.job.id, st.step.name, index), frames: index * st.step.framesPerTask,
          estimatedSec: Math.round(st.taskSec / speedOf(slot.node.speed, st.step.kind)), queued: slot.queued,
          reason: slot.queued ? `${why}; queued behind the running task` : `${why}; starts now`,
        });
      }
      if (left <= 0) break;
    }
    return placed;
  }

  private nextTask(s: JobState, st: StepState): number | undefined {
    let it = this.cursors.get(st);
    if (!it) this.cursors.set(st, (it = new TaskCursor(st.step.pending, st.step.taskCount, s.job.preview.previewFirst)));
    for (let i = it.next(); i >= 0; i = it.next()) if (!st.dead.has(i)) return i;
    return undefined;
  }

  result(): Omit<QuotaDispatchResult, "wakes"> {
    return { assignments: this.assignments, placed: this.placed, capped: this.capped, guaranteed: this.guaranteed };
  }
}
