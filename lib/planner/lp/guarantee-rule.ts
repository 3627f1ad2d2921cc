import type { FarmNode, Lease, Policy } from "../types.ts";
import { speedOf } from "../matching/node-classes.ts";
import type { SlotPool } from "../matching/slot-pools.ts";
import type { JobState } from "../work/job-state.ts";
import type { Group, Member } from "./groups.ts";
import { PlanRoom, type RoomPlan } from "./plan-room.ts";
import type { LpReading } from "./read.ts";

/** The LP's plan, for whether deadline work can wait (see {@link GuaranteeRule.canWait}); its room is read by plan-room.ts. */
export interface GuaranteePlan extends RoomPlan {
  reading: Pick<LpReading, "onpremH" | "cloudH">;
  groups: readonly Pick<Group, "clientId" | "members">[];
  /**
   * Deadline work waits for a client below its guarantee only into room the plan leaves idle, not
   * into room it plans for that client: set while some client may rent (cloud ≫ guarantees; waiting
   * into the owed client's room too rented 1.18 in deadline-change, which needs no rental).
   */
  idleRoomOnly?: boolean;
}

/** On-prem nodes a guarantee is a share of: all but offline and disabled ones (an asleep node can be woken). */
function counted(n: FarmNode): boolean {
  return n.pool === "onprem" && n.status !== "offline" && n.status !== "disabled";
}

/** A client's guarantee in slots, counted twice: now (free slots) and once the tasks ending within the pre-assignment window have ended (queued slots). */
export interface Line {
  clientId: string;
  fraction: number;
  /** ⌊fraction × on-prem slots⌋. */
  guarantee: number;
  /** On-prem slots it runs: now, and past the pre-assignment window; this cycle's placements included. */
  used: Count;
  soon: Count;
  pending: number;
  /** Slots of the on-prem nodes its runnable work may use. */
  eligibleSlots: number;
  /** On-prem pools some of its runnable work may use. */
  pools: Set<SlotPool>;
}

interface Count {
  used: number;
  /** min(guarantee, used before this cycle + pending, eligible slots). */
  owed: number;
}

/**
 * The count a placement is judged in: free slots now, queued ones once the tasks ending soon have ended.
 * A function, not a closure per call: blocks() is asked for every pool a task is tried on.
 */
function countOf(l: Line, queued: boolean): Count {
  return queued ? l.soon : l.used;
}

/** Slots still owed in one count. */
function deficitOf(c: Count): number {
  return Math.max(0, c.owed - c.used);
}

/**
 * Guarantees in dispatch (OpenCue subscriptions, Kueue nominal quota), on the same quantity the
 * simulator's guarantee accounting uses (lib/sim/guarantees.ts): a client is owed
 *   owed = min(⌊g × on-prem slots⌋, running + runnable pending, slots of the on-prem nodes its work can use)
 * on-prem slots, asleep nodes counted (they can be woken) and work the LP defers for a cheaper hour
 * counted too (deferring a client does not stop owing it). The LP prices guarantees below energy and
 * counts them in work over slots, so its first slot may lend a waiting client's slots to a client
 * above its own guarantee or leave them idle for a cheaper hour; the dispatch rounds that back:
 * - guard ({@link blocks}): an on-prem slot the clients below their guarantees need (their eligible
 *   slots left would not cover what they are owed together) does not go to a client that would then
 *   run more than its own guarantee — unless that work keeps a deadline ({@link canWait}: deadlines stay first) or is a
 *   fresh job's first task where clients may rent (its early look; {@link earlyLookPasses});
 * - serve ({@link needy}): after the LP's quotas, each client still owed slots takes free (then
 *   freeing-soon) eligible on-prem slots for its runnable work, deferred work included;
 * - wake ({@link wakes}): what free slots could not cover wakes asleep eligible nodes.
 * Work beyond guarantees is still timed by the tariff.
 */
export class GuaranteeRule {
  private readonly lines = new Map<string, Line>();
  private readonly groupOf = new Map<Member, number>();
  /** Room the plan leaves per client, less what this cycle promised (null: no plan). */
  private readonly room: PlanRoom | null;

  /** The guard ({@link blocks}) holds slots until the serve pass is done ({@link stopHolding}). */
  private holding = true;

  /**
   * Whether guarantees come before energy in this dispatch: with policy.guaranteeRule "before-tariff" on a
   * farm where no client may rent, an owed client's task takes an eligible slot the energy rules would
   * leave idle (a CPU render on a GPU box). Where clients may rent, the energy rules stay: hardware a
   * guarantee takes at a worse energy rate can cost a rental or a deadline (cloud ≫ guarantees; measured:
   * client-conflict missed a deadline and peak-exhaustion rented 0.8% more without them; kept off only while
   * the plan rents nothing, peak-exhaustion still rented 0.8% more, though trace-replay's guarantee
   * client-minutes fell 678 → 425 and priority-inversion's 261 → 168).
   */
  beforeEnergy(policy: Pick<Policy, "guaranteeRule">): boolean {
    return policy.guaranteeRule === "before-tariff" && this.plan?.idleRoomOnly !== true;
  }

  /** `staysBusy`: a lease still running past the pre-assignment window (its slot is not up for queueing). */
  /** `ordered`: the runnable jobs it counts as pending and serves (dispatch order). */
  constructor(pools: readonly SlotPool[], readonly ordered: readonly JobState[], fractions: ReadonlyMap<string, number>, clientOfJob: (jobId: string) => string | undefined, staysBusy: (l: Lease) => boolean, private readonly plan: GuaranteePlan | null = null,
    /**
     * Whether a fresh job's first task (an artist's early look) takes a slot the guard holds: by default
     * only on a farm where clients may rent ({@link GuaranteePlan.idleRoomOnly}), whose plan rents to
     * cover the slot. Where nobody may rent the slot can cost a deadline (passing it there made
     * mixed-short-long, seed 2, finish S20 2.4 minutes late) and the guard alone kept previews within
     * target; on renting farms, held, previews went 8.5% → 14.3% (peak-exhaustion).
     */
    readonly earlyLookPasses = plan?.idleRoomOnly === true) {
    this.room = plan ? new PlanRoom(plan) : null;
    if (plan) plan.groups.forEach((g, gi) => { for (const m of g.members) this.groupOf.set(m, gi); });
    const onprem = pools.filter((p) => p.cls.pool === "onprem");
    let total = 0;
    const used = new Map<string, number>();
    const staying = new Map<string, number>();
    // Counted slots per pool, once: each client's eligible slots sum these (not its pools' nodes again, per client).
    const poolSlots = new Map<SlotPool, number>();
    for (const p of onprem) {
      let inPool = 0;
      for (const n of p.cls.nodes) {
        if (!counted(n)) continue;
        inPool += n.slots;
        total += n.slots;
        for (const l of n.leases) {
          const c = clientOfJob(l.jobId);
          if (c === undefined) continue;
          used.set(c, (used.get(c) ?? 0) + 1);
          if (staysBusy(l)) staying.set(c, (staying.get(c) ?? 0) + 1);
        }
      }
      poolSlots.set(p, inPool);
    }
    const pending = new Map<string, number>();
    const eligible = new Map<string, Set<SlotPool>>();
    for (const s of ordered) {
      const c = s.job.clientId;
      for (const st of s.steps) {
        if (st.allowance <= 0 || st.blocked || st.eligibleOnprem.length === 0) continue;
        pending.set(c, (pending.get(c) ?? 0) + st.allowance);
        let set = eligible.get(c);
        if (!set) eligible.set(c, (set = new Set()));
        for (const cls of st.eligibleOnprem) set.add(pools[cls.index]!);
      }
    }
    for (const [c, fraction] of [...fractions].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const guarantee = Math.floor(fraction * total + 1e-9);
      const set = eligible.get(c) ?? new Set<SlotPool>();
      let slots = 0;
      for (const p of set) slots += poolSlots.get(p)!;
      const p = pending.get(c) ?? 0;
      const count = (u: number): Count => ({ used: u, owed: Math.min(guarantee, u + p, slots) });
      this.lines.set(c, { clientId: c, fraction, guarantee, used: count(used.get(c) ?? 0), soon: count(staying.get(c) ?? 0), pending: p, eligibleSlots: slots, pools: set });
    }
  }

  /**
   * The client a placement of `clientId`'s work on on-prem `pool` would take a needed slot from, or
   * null: the placement (on a free slot, else queued behind a task ending soon) would put `clientId`
   * above its own guarantee while clients owed slots in the same count may use the pool and the
   * slots left on the pools they may use do not exceed what they are owed together (the neediest of
   * them is named). Queued slots are counted
   * after the tasks ending soon: a queued task starts the moment a client's own task ends, so it
   * must not take the slot that client needs to stay at its guarantee.
   */
  blocks(clientId: string, pool: SlotPool): Line | null {
    if (pool.cls.pool !== "onprem" || !this.holding) return null;
    const queued = pool.freeHead >= pool.free.length;
    const me = this.lines.get(clientId);
    if (me && countOf(me, queued).used < me.guarantee) return null;
    // All the clients owed slots that may use the pool together: each alone saw more slots left than
    // it was owed while together they were owed more (trace-replay: 3 clients owed 17, 7–10 left).
    let need = 0;
    let neediest: Line | null = null;
    let most = 0;
    let theirs: Set<SlotPool> | null = null; // made only when some client is owed: blocks() runs per pool tried
    for (const y of this.lines.values()) {
      const d = deficitOf(countOf(y, queued));
      if (y.clientId === clientId || d <= 0 || !y.pools.has(pool)) continue;
      need += d;
      const share = d / Math.max(1, y.guarantee);
      if (!neediest || share > most) { neediest = y; most = share; }
      theirs ??= new Set();
      for (const p of y.pools) theirs.add(p);
    }
    return neediest && theirs && available(theirs, queued) <= need ? neediest : null;
  }

  /**
   * Whether deadline work the LP placed now (member `m`, on `pool`) can wait for client `y`: the task's
   * node-hours on the pool's resource fit, before the member's due slot, in the LP's plan where it left
   * the resource idle or gave it to `y` — work `y` then does now instead, an exchange that keeps every
   * deadline of the plan (idle room only with {@link GuaranteePlan.idleRoomOnly}). Room promised this
   * cycle is spent. Best-effort work can always wait; work of a group the LP rents cloud for never does.
   */
  canWait(m: Member, pool: SlotPool, y: Line): boolean {
    if (m.dueAt === null) return true;
    if (!this.room || !this.plan) return false;
    // A group the LP rents for is short of on-prem capacity by the LP's own verdict: its work waiting costs cloud (cloud ≫ guarantees).
    const gi = this.groupOf.get(m);
    if (gi === undefined || (this.plan.reading.cloudH[gi] ?? 0) > 1e-6) return false;
    const speed = speedOf(pool.cls.speed, m.st.step.kind);
    if (speed <= 0) return false;
    return this.room.waitInto(pool, this.plan.idleRoomOnly ? null : y.clientId, m.dueSlot, m.st.taskSec / speed / 3600);
  }

  /**
   * Where a task of client `clientId` taking `hours` on `pool` from now fits the LP's plan: the hours
   * it takes per slot, or null when in some slot it spans the pool's resource lacks that much capacity
   * the LP leaves idle or plans for the client itself (its later work then runs now, an exchange); so
   * a guaranteed task never takes a node the LP planned for another client's work in the next slots
   * ({@link tookNow} counts what guaranteed tasks took). Without a plan, it fits anywhere.
   */
  fitsNow(clientId: string, pool: SlotPool, hours: number): number[] | null {
    return this.room ? this.room.spanOf(clientId, pool, hours) : [];
  }

  /** Counts a guaranteed task placed where {@link fitsNow} found room (`span`: its hours per slot). */
  tookNow(pool: SlotPool, span: readonly number[]): void {
    this.room?.took(pool, span);
  }

  /** Counts a placement of `clientId`'s work on `pool` (queued: it runs once a task ending soon has ended). */
  took(clientId: string, pool: SlotPool, queued: boolean): void {
    if (pool.cls.pool !== "onprem") return;
    const me = this.lines.get(clientId);
    if (!me) return;
    if (!queued) me.used.used++;
    me.soon.used++;
  }

  /** Slots `clientId` is still owed now (queued: once the tasks ending soon have ended). */
  deficit(clientId: string, queued = false): number {
    const l = this.lines.get(clientId);
    return l ? deficitOf(queued ? l.soon : l.used) : 0;
  }

  /** Clients still owed slots, the furthest below their guarantee first (by share of it owed), then by id. */
  needy(queued = false): Line[] {
    const d = (l: Line) => this.deficit(l.clientId, queued);
    return [...this.lines.values()]
      .filter((l) => d(l) > 0)
      .sort((a, b) => d(b) / Math.max(1, b.guarantee) - d(a) / Math.max(1, a.guarantee) || (a.clientId < b.clientId ? -1 : 1));
  }

  /** The "why" of a placement the rule makes for `clientId`. */
  why(clientId: string): string {
    const l = this.lines.get(clientId)!;
    return `guarantee: ${clientId} below its ${Math.round(l.fraction * 100)}% share (runs ${l.used.used} of ${l.used.owed} on-prem slot(s) owed)`;
  }

  /**
   * After the serve pass the guard holds nothing more: a slot the owed clients could not take this
   * cycle goes to the work-conserving fill (held idle, it would cost deadlines or cloud later: cloud ≫ guarantees).
   */
  stopHolding(): void {
    this.holding = false;
  }

  /** Asleep eligible nodes to wake for what the free slots could not cover (after the fills). */
  wakes(): { node: FarmNode; reason: string }[] {
    const out: { node: FarmNode; reason: string }[] = [];
    const taken = new Set<FarmNode>();
    // Each pool's asleep nodes, found once: every owed client whose work may use the pool asks again.
    const asleepIn = new Map<SlotPool, FarmNode[]>();
    const asleepOf = (p: SlotPool) => {
      let nodes = asleepIn.get(p);
      if (!nodes) asleepIn.set(p, (nodes = p.cls.nodes.filter((n) => n.status === "asleep")));
      return nodes;
    };
    for (const l of this.needy()) {
      let left = this.deficit(l.clientId);
      const asleep = [...l.pools].flatMap((p) => asleepOf(p).filter((n) => !taken.has(n))).sort((a, b) => (a.id < b.id ? -1 : 1));
      for (const n of asleep) {
        if (left <= 0) break;
        taken.add(n);
        left -= n.slots;
        out.push({ node: n, reason: `${this.why(l.clientId)}; no free eligible slot` });
      }
    }
    return out;
  }
}

/** Free (queued: freeing-soon) slots left in the pools. */
function available(pools: ReadonlySet<SlotPool>, queued: boolean): number {
  let n = 0;
  for (const p of pools) n += queued ? p.soon.length - p.soonHead : p.free.length - p.freeHead;
  return n;
}
