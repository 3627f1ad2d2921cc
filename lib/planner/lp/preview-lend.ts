import { speedOf } from "../matching/node-classes.ts";
import { hasSlot, type SlotPool } from "../matching/slot-pools.ts";
import type { Dispatcher } from "./dispatcher.ts";
import { nodesOf } from "./actions.ts";
import type { QuotaDispatchInput } from "./dispatch.ts";
import { bestSpeed, type Group, type Member } from "./groups.ts";

/** At most this share of the slot's nodes (at least one) is lent for first frames. */
export const PREVIEW_LEND_SHARE = 0.1;
/** A lender's safety margin must cover this many times the node time it lends. */
export const PREVIEW_LEND_COVER = 2;

/**
 * Previews across groups. The LP plans some groups' work for later slots, giving them no node
 * now, and a group's quota goes to work due earlier first (dispatch.ts fillQuota), so fresh jobs
 * (no frame yet, runnable, not deferred) would wait hours for a first frame: a job due late in a
 * tight group waits for all its group's earlier work (peak-exhaustion: 4-5 h of a 9-12 h window).
 * As dispatch reaches each group (most urgent first, so more urgent groups have taken their
 * nodes), {@link lendFrom} lends such jobs — of a group with no node now, or of a group already
 * dispatched whose quota did not reach them —
 * most urgent group first (after them, jobs whose only running task, on a slow node, ends later than
 * a lent slot would finish one: first-frame.ts), one task each of that group's on-prem quota, while every member of
 * the lender with work left keeps a safety margin (its deadline less the due time the LP plans
 * to) of at least {@link PREVIEW_LEND_COVER}× the node time lent (best-effort groups always can),
 * for at most {@link PREVIEW_LEND_SHARE} of the slot's nodes. The borrower gives the node time
 * back: its group has that much less work later. Only hardware the LP may plan the borrower's
 * group on is lent (a sim's first frame on a GPU box at 1/6 of its best speed held the box 2.5 h
 * and came later than waiting for its own nodes). Rented nodes are never lent (they are per
 * client). The lender's quota counts shrink by what it lends.
 */
export class PreviewLender {
  private budget: number;
  private readonly marginMs: number[];
  private readonly borrowers: Borrower[] = [];
  /** Position of each group in dispatch order: a borrower's own group, if it has nodes now, fills first. */
  private readonly pos: number[];
  private readonly hasNodes: boolean[];

  constructor(private readonly input: QuotaDispatchInput, private readonly d: Dispatcher, order: readonly number[], private readonly counts: Map<number, number>[], totalNodes: number) {
    this.budget = Math.max(1, Math.floor(totalNodes * PREVIEW_LEND_SHARE));
    this.marginMs = input.groups.map(marginOf);
    const runnable = new Set(input.ordered.map((s) => s.job.id));
    this.pos = [];
    order.forEach((gi, i) => { this.pos[gi] = i; });
    this.hasNodes = input.groups.map((g, gi) => hasCloud(input, gi) || [...counts[gi]!.values()].some((n) => n > 0));
    // Fresh jobs first, then jobs whose first task runs on a slower node (first-frame.ts): a job with no frame coming outranks one with a late frame.
    const late: Borrower[] = [];
    for (const gi of order) {
      for (const m of input.groups[gi]!.members) {
        if (m.st.blocked || !runnable.has(m.s.job.id) || input.deferred.has(m.s.job.id)) continue;
        // Awaiting its first frame; when it is expected is kept for every lender's ask.
        const firstAt = d.firstFrames.expectedAt(m.s);
        if (!d.firstFrames.awaitsAt(firstAt)) continue;
        (m.s.fresh ? this.borrowers : late).push({ m, gi, firstAt });
      }
    }
    for (const b of late) this.borrowers.push(b);
  }

  /** Lends from group `li`'s quota before it fills it; call once per group in dispatch order. */
  lendFrom(li: number): void {
    const lender = this.input.groups[li]!;
    // Resources the lender has nodes of now with a slot left (slots only get taken as dispatch goes): a full farm lends nothing.
    const open: number[] = [];
    for (const [r, n] of this.counts[li]!) if (n > 0 && this.input.resources[r]!.classes.some((c) => hasSlot(this.input.pools[c.index]!))) open.push(r);
    if (open.length === 0) return;
    // A borrower with no task left, or placed since, never borrows again: it leaves the list (in order),
    // so each lender walks only those still waiting (thousands of jobs × hundreds of groups a cycle).
    const list = this.borrowers;
    let keep = 0;
    let i = 0;
    for (; i < list.length; i++) {
      if (this.budget <= 0 || this.marginMs[li]! <= 0) break;
      const b = list[i]!;
      const { m, gi } = b;
      if (m.st.allowance <= 0 || this.d.placed.has(m.s.job.id)) continue;
      list[keep++] = b;
      if (gi === li) continue;
      if (this.hasNodes[gi] && this.pos[gi]! > this.pos[li]!) continue;
      if (this.lendOne(b, li, lender, open)) this.budget--;
    }
    if (keep === i) return;
    for (; i < list.length; i++) list[keep++] = list[i]!;
    list.length = keep;
  }

  private lendOne(b: Borrower, li: number, lender: Group, open: readonly number[]): boolean {
    const { m } = b;
    for (const r of open) {
      const n = this.counts[li]!.get(r)!;
      if (n <= 0) continue;
      // The fastest eligible class that brings the first frame sooner (first-frame.ts) and has a slot; a class only while
      // the lender's margin covers twice the node time its task holds. A loop, not a list per ask (~4,000 asks a cycle at 100k).
      let pool: SlotPool | undefined;
      for (const p of this.poolsFor(b, r)) {
        if (this.d.firstFrames.soonerOn(p, m.st, b.firstAt) && hasSlot(p) && this.marginMs[li]! >= PREVIEW_LEND_COVER * holdMs(m, p)) { pool = p; break; }
      }
      if (!pool) continue;
      // The reason is worded only for a pool that can lend: most borrowers ask every lender in vain.
      const why = `LP: 1 × ${this.input.resources[r]!.label} now for the first frame of ${m.s.job.clientId}'s job the LP plans later, lent by ${lender.clientId}'s ${lender.kind} work (its deadlines keep their margin)`;
      if (this.d.fill([m], [pool], 1, why) === 0) continue;
      this.counts[li]!.set(r, n - 1);
      this.marginMs[li] = this.marginMs[li]! - PREVIEW_LEND_COVER * holdMs(m, pool);
      return true;
    }
    return false;
  }

  /**
   * The borrower's pools in resource `r`, fastest first; none where the LP may not plan its group
   * on `r` (groups.ts leaves out classes under a quarter of its best speed). Built once per
   * borrower and resource: every lender group asks again.
   */
  private poolsFor(b: Borrower, r: number): SlotPool[] {
    b.pools ??= new Map();
    let pools = b.pools.get(r);
    if (pools) return pools;
    const { m } = b;
    const own = this.input.groups[b.gi]!.resources.some((x) => x.index === r);
    pools = own ? this.input.resources[r]!.classes.filter((c) => m.st.eligible.some((e) => e.index === c.index)).map((c) => this.input.pools[c.index]!) : [];
    pools.sort((x, y) => speedOf(y.cls.speed, m.st.step.kind) - speedOf(x.cls.speed, m.st.step.kind));
    b.pools.set(r, pools);
    return pools;
  }
}

interface Borrower {
  m: Member;
  gi: number;
  /** When its first frame is expected from what runs (first-frame.ts expectedAt; Infinity: nothing runs), asked once: every lender group asks again. */
  firstAt: number;
  /** Per resource, its eligible pools fastest first (poolsFor). */
  pools?: Map<number, SlotPool[]>;
}

/**
 * The least room of a group's members with work left (Infinity: best effort): its safety margin
 * (deadline less due time) and its last task, which completion credit now holds in the LP's plan
 * instead of the margin (groups.ts dueMarginMs): lending is gated on the same room as before.
 */
function marginOf(g: Group): number {
  let least = Infinity;
  const best = bestSpeed(g.resources, g.clouds, g.kind);
  for (const m of g.members) {
    if (m.st.allowance <= 0 || m.dueAt === null) continue;
    least = Math.min(least, m.s.job.deadlineAt === null ? 0 : m.s.job.deadlineAt - m.dueAt + (m.st.taskSec / best) * 1000);
  }
  return least;
}

/** Node time a task of the member holds on the pool's class. */
function holdMs(m: Member, p: SlotPool): number {
  return (m.st.taskSec / speedOf(p.cls.speed, m.st.step.kind)) * 1000;
}

function hasCloud(input: QuotaDispatchInput, gi: number): boolean {
  for (const q of input.reading.quotaCloud[gi]!.values()) if (nodesOf(q) > 0) return true;
  return false;
}
