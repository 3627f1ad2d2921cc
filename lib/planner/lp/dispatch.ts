import type { Assignment, FarmNode, Job, Policy } from "../types.ts";
import { dateTime } from "../format.ts";
import { hasSlot, type SlotPool } from "../matching/slot-pools.ts";
import type { ShareLedger } from "../shares/ledger.ts";
import type { JobState, StepState } from "../work/job-state.ts";
import { type NodeClass, speedOf } from "../matching/node-classes.ts";
import { nodesOf } from "./actions.ts";
import type { ClassEnergy } from "./energy-rule.ts";
import { bucketOf, Dispatcher } from "./dispatcher.ts";
import type { Group, Member } from "./groups.ts";
import type { GuaranteeRule } from "./guarantee-rule.ts";
import { PreviewLender } from "./preview-lend.ts";
import type { LpReading } from "./read.ts";
import type { CloudResource, Resource } from "./resources.ts";

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
  /** Jobs a waiting job depends on: their last task gates the dependents' start (tail-rule.ts prerequisiteSooner). */
  prerequisites?: ReadonlySet<string>;
  cloudOk: (job: Job) => boolean;
  /** Clients' guarantees in dispatch (guarantee-rule.ts); absent: the LP's quotas alone. */
  guarantee?: GuaranteeRule;
  /** Asleep nodes this plan wakes: the tail rule counts them from when they are ready (tail-rule.ts). */
  waking?: ReadonlySet<FarmNode>;
}

export interface QuotaDispatchResult {
  assignments: Assignment[];
  placed: Map<string, number>;
  capped: Set<string>;
  /** Jobs given a task by the guarantee rule (its reasons start "guarantee:"): a deferral does not hold them back. */
  guaranteed: Set<string>;
  /** Asleep nodes to wake for clients still owed slots (guarantee-rule.ts). */
  wakes: { node: FarmNode; reason: string }[];
}

/**
 * Rounds the LP's first slot into assignments. Per group, most urgent first, the group first
 * lends one task's node to each fresh job of a group the LP gives no node now while its deadlines
 * keep their margin (preview-lend.ts: an artist sees a frame without waiting hours for the LP's
 * slot); then each resource's quota of nodes (the LP's slot-0 node-hours ÷ the slot's hours,
 * rounded up past 0.3, less what it lent) goes to the group's jobs in deadline order — first
 * one task to each job with no frame yet, unless that takes a slot from work due earlier, and
 * fresh jobs first within a due bucket — on the eligible
 * classes best fit first and the fastest free node within a class, a queued slot behind a task
 * ending soon when no node is free. Then free slots the rounding left give each job with no frame
 * yet, deferred ones included, one task on the fastest free class (an early look), then go to any job the LP does not
 * defer, in dispatch order, within its client's cap (work conservation).
 * A tail task skips a node that would finish it after the deadline when another eligible pool
 * (free, freeing within a minute, or about to be ready) finishes it sooner (tail-rule.ts).
 */
export function dispatchQuotas(input: QuotaDispatchInput): QuotaDispatchResult {
  const d = new Dispatcher(input);
  const order = input.groups.map((g, i) => i).sort((a, b) => urgency(input.groups[a]!, input.groups[b]!) || a - b);
  const counts = input.reading.quotaOnprem.map((m) => new Map([...m].map(([r, q]) => [r, nodesOf(q)])));
  let total = 0;
  for (const m of [...counts, ...input.reading.quotaCloud.map((c) => new Map([...c].map(([o, q]) => [o, nodesOf(q)])))]) for (const n of m.values()) total += n;
  const lender = new PreviewLender(input, d, order, counts, total);
  for (const gi of order) {
    const g = input.groups[gi]!;
    const members = firstFrameFirst(g.members);
    const ahead = { h: slackAhead(g, input.reading.plannedH[gi]!) };
    const due = g.dueAt === null ? "" : ` due ${dateTime(g.dueAt)}`;
    lender.lendFrom(gi);
    for (const [r, q] of sorted(input.reading.quotaOnprem[gi]!)) {
      const res = input.resources[r]!;
      const pools = res.classes.map((c) => input.pools[c.index]!);
      d.fillQuota(members, pools, counts[gi]!.get(r)!, ahead, `LP: ${q.toFixed(1)} × ${res.label} now for ${g.clientId}'s ${g.kind} work${due}`);
    }
    for (const [o, q] of sorted(input.reading.quotaCloud[gi]!)) {
      const type = input.clouds[o]!.offer.instanceType;
      const pools = input.pools.filter((p) => p.cls.pool === "cloud" && p.cls.nodes[0]?.instanceType === type);
      d.fillQuota(members, pools, nodesOf(q), ahead, `LP: ${q.toFixed(1)} rented ${type} now for ${g.clientId}'s ${g.kind} work${due}`);
    }
  }
  const frugal = frugalClasses(input.policy, d.energy, d.guaranteesFirst);
  if (input.guarantee) serveGuarantees(input, input.guarantee, d, frugal);
  const anyFree = () => input.pools.some((p) => p.freeHead < p.free.length);
  // Early look: a job with no frame yet, deferred or not, gets one task on a free node so its artist sees a frame
  // (a job whose first task runs on a slow node, one on a node that finishes sooner: first-frame.ts).
  const [fresh, late] = partition(input.ordered, (s) => s.fresh);
  const looks = [...fresh, ...late];
  for (let i = 0; i < looks.length; i++) {
    const s = looks[i]!;
    if (!anyFree()) break;
    if (!d.firstFrames.awaits(s) || d.placed.has(s.job.id)) continue;
    const st = s.steps.find((x) => x.allowance > 0);
    if (!st) continue;
    const why = i >= fresh.length ? "an early look: a first frame sooner than the job's task running on a slower node"
      : input.deferred.has(s.job.id) ? "an early look at a deferred job: its first frame on a free node" : "an early look: the job's first frame on a free node";
    // The free node that finishes the frame soonest: the fastest eligible class for the step's kind.
    const pools = [...d.firstFrames.sooner(s, st, d.poolsOf(st, input.cloudOk(s.job)))].sort((a, b) => speedOf(b.cls.speed, st.step.kind) - speedOf(a.cls.speed, st.step.kind));
    d.fill([{ s, st, workH: 0, dueAt: null, dueSlot: 0 }], pools, 1, why, true);
  }
  // Clients still below their guarantee first (their deficit), then everyone: the fill stays work-conserving (idle slots cost cloud later).
  const owedFirst = input.guarantee ? owedBefore(input.ordered, input.guarantee) : [];
  for (const [s, owed] of [...owedFirst, ...input.ordered.map((x) => [x, false] as const)]) {
    if (!anyFree()) break;
    if (input.deferred.has(s.job.id)) continue;
    for (const st of s.steps) {
      if (st.allowance <= 0) continue;
      const member = { s, st, workH: 0, dueAt: null, dueSlot: 0 };
      if (!owed) d.fill([member], d.poolsOf(st, input.cloudOk(s.job)), Infinity, "idle capacity the LP's rounding left free", true, true);
      else if (input.guarantee!.deficit(s.job.clientId) > 0) fillOwed(input.guarantee!, d, member, frugal(s, st).map((c) => input.pools[c.index]!));
    }
  }
  return { ...d.result(), wakes: input.guarantee ? input.guarantee.wakes() : [] };
}

/**
 * After the LP's quotas, each client still below its guarantee takes free eligible on-prem slots
 * for the runnable work the rule counts (deferred work too unless policy.guaranteeRule keeps deferral),
 * then slots freeing soon; what is still owed wakes asleep eligible nodes (guarantee-rule.ts).
 */
function serveGuarantees(input: QuotaDispatchInput, rule: GuaranteeRule, d: Dispatcher, frugal: Frugal): void {
  for (const queued of [false, true]) {
    for (const y of rule.needy(queued)) {
      for (const s of rule.ordered) {
        // Served: its other jobs' classes are not worth ranking (a farm of 2,000 jobs ranked them all, per client).
        if (rule.deficit(y.clientId, queued) <= 0) break;
        if (s.job.clientId !== y.clientId) continue;
        for (const st of s.steps) {
          if (st.allowance <= 0) continue;
          // No eligible on-prem slot left (a full farm): nothing to rank (frugalClasses only narrows eligibleOnprem).
          if (!st.eligibleOnprem.some((c) => hasSlot(input.pools[c.index]!))) continue;
          const member = { s, st, workH: 0, dueAt: null, dueSlot: 0 };
          // The least energy per unit of work first: a guarantee served on the class the LP would price cheapest.
          for (const c of frugal(s, st)) placeInRoom(rule, d, member, input.pools[c.index]!, () => rule.why(y.clientId), queued);
        }
      }
    }
  }
  rule.stopHolding();
}

/**
 * The on-prem classes a guarantee may place a step's task on, least energy per unit of work first.
 * With tariff timing on and energy before guarantees (`beforeEnergy` false: beside tariff timing, or a farm
 * where a client may rent, GuaranteeRule.beforeEnergy), energy-intensive work only goes where it spends at
 * most policy.tariff.minSaving more per unit than its best class (the saving the planner deems worth acting on),
 * and the idle fill's 1.5× allowance let an owed client's simulations take CPU boxes at 1.35× the
 * energy of the 64-core nodes the LP had for them (mixed-short-long, seed 2: 67% of the energy room).
 * Ranked once per step and dispatch (the serve pass and the owed-first fill ask again and again).
 */
function frugalClasses(policy: Policy, energy: ClassEnergy, beforeEnergy: boolean): Frugal {
  const memo = new Map<StepState, NodeClass[]>();
  return (s, st) => {
    let out = memo.get(st);
    if (out) return out;
    const kwh = (c: NodeClass) => energy.kwhPerRefHour(c, st.step.kind);
    out = [...st.eligibleOnprem].sort((a, b) => kwh(a) - kwh(b) || a.index - b.index);
    if (policy.tariff.enabled && !beforeEnergy && s.job.energyIntensive && out.length > 0) {
      const limit = kwh(out[0]!) * (1 + policy.tariff.minSaving);
      out = out.filter((c) => kwh(c) <= limit);
    }
    memo.set(st, out);
    return out;
  };
}

/** A step's on-prem classes for a guarantee, least energy per unit of work first (frugalClasses). */
type Frugal = (s: JobState, st: StepState) => readonly NodeClass[];

/**
 * The owed-first idle fill: free slots for a client still below its guarantee. On a pool where LP
 * quota work stepped aside for an owed client (the guard's exchange, {@link Dispatcher.waitedOn}),
 * a task goes only where the LP's plan has room for it (fitsNow, as the serve pass): an exchange the
 * serve pass did not make is undone, and the slot goes back to the quota's work in the fill that
 * follows (dispatch order). Without it, mixed-short-long seed 4: the LP gave S20 (75 min of
 * 5-minute GPU frames, due in 2 h) both GPU boxes freeing at 418.8 and 419.3 min; the frames
 * stepped aside for B (owed every GPU box), the serve pass found no room for B's hour-long L3
 * frames there, yet this fill put them on both boxes, and S20 waited 50 minutes for the next ones
 * and ended 2 minutes late. Elsewhere the fill serves owed clients first, room or not.
 */
function fillOwed(rule: GuaranteeRule, d: Dispatcher, member: Member, pools: readonly SlotPool[]): void {
  const { s } = member;
  const why = `${rule.why(s.job.clientId)}; idle capacity`;
  const open = pools.filter((p) => !d.waitedOn.has(p));
  if (open.length > 0) d.fill([member], open, rule.deficit(s.job.clientId), why, true, true);
  for (const pool of pools) if (d.waitedOn.has(pool)) placeInRoom(rule, d, member, pool, () => why, false);
}

/**
 * A client's tasks on `pool` one at a time while it is owed slots (in the free or, `queued`, the
 * freeing-soon count), each where the LP's plan has room for it (fitsNow): deadlines stay first.
 * The fill is the idle fill's: never a task made late on a slow node while another class finishes it
 * in time (tail-rule.ts), nor (tariff on, the plan renting nothing) energy-intensive work on an
 * energy-wasteful class (energy ≫ guarantees). `why` is asked per task placed.
 */
function placeInRoom(rule: GuaranteeRule, d: Dispatcher, member: Member, pool: SlotPool, why: () => string, queued: boolean): void {
  const { s, st } = member;
  const hours = st.taskSec / Math.max(1e-9, speedOf(pool.cls.speed, st.step.kind)) / 3600;
  while (rule.deficit(s.job.clientId, queued) > 0 && st.allowance > 0 && hasSlot(pool)) {
    const span = rule.fitsNow(s.job.clientId, pool, hours);
    if (!span || d.fill([member], [pool], 1, why(), !queued, true) === 0) break;
    rule.tookNow(pool, span);
  }
}

/** Jobs of clients still owed slots (needy order), flagged for the owed-first idle fill. */
function owedBefore(ordered: readonly JobState[], rule: GuaranteeRule): (readonly [JobState, boolean])[] {
  return rule.needy().flatMap((l) => ordered.filter((s) => s.job.clientId === l.clientId).map((s) => [s, true] as const));
}

function urgency(a: Group, b: Group): number {
  const da = a.dueAt ?? Infinity;
  const db = b.dueAt ?? Infinity;
  return da - db || b.priority - a.priority;
}

function sorted(m: Map<number, number>): [number, number][] {
  return [...m.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

/**
 * Reference hours the LP plans the group ahead of its deadlines: the least, over the slots up to
 * its last due slot, of work planned by the end of the slot less work due by then. Moving that
 * much of a later job's work into the first slot keeps every earlier deadline of the group.
 */
export function slackAhead(g: Pick<Group, "dueAt" | "dueBySlot" | "lastDueSlot">, plannedH: readonly number[]): number {
  if (g.dueAt === null) return Infinity;
  let planned = 0;
  let due = 0;
  let least = Infinity;
  for (let t = 0; t <= g.lastDueSlot && t < plannedH.length; t++) {
    planned += plannedH[t]!;
    due += g.dueBySlot.get(t) ?? 0;
    least = Math.min(least, planned - due);
  }
  return Math.max(0, least);
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
    const [fresh, late] = partition(members.slice(i, j), (m) => m.s.fresh);
    out.push(...fresh, ...late);
    i = j;
  }
  return out;
}

/** Those that pass the test and those that do not, each in order (one test per element). */
function partition<T>(xs: readonly T[], test: (x: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const x of xs) (test(x) ? yes : no).push(x);
  return [yes, no];
}

