/**
 * Inputs for dispatchQuotas (lib/planner/lp/dispatch.ts) without a solver: the planner's real
 * job states, pools and ledger, with hand-written LP quotas, so a test says exactly which
 * quota the LP gave and checks how dispatch rounds it.
 */
import { defaultPolicy } from "../../../lib/planner/index.ts";
import { dispatchQuotas, type QuotaDispatchResult } from "../../../lib/planner/lp/dispatch.ts";
import type { Group, Member } from "../../../lib/planner/lp/groups.ts";
import { GuaranteeRule, type GuaranteePlan } from "../../../lib/planner/lp/guarantee-rule.ts";
import type { LpReading } from "../../../lib/planner/lp/read.ts";
import type { Resource } from "../../../lib/planner/lp/resources.ts";
import { buildClasses, Eligibility, type NodeClass } from "../../../lib/planner/matching/node-classes.ts";
import { buildPools } from "../../../lib/planner/matching/slot-pools.ts";
import { ShareLedger } from "../../../lib/planner/shares/ledger.ts";
import type { Policy, Snapshot } from "../../../lib/planner/types.ts";
import { type JobState, jobState, runningTails } from "../../../lib/planner/work/job-state.ts";

export interface Farm {
  snapshot: Snapshot;
  now: number;
  policy: Policy;
  classes: NodeClass[];
  states: Map<string, JobState>;
  ledger: ShareLedger;
}

export function farm(snapshot: Snapshot, now: number, policy: Policy = defaultPolicy): Farm {
  const { classes } = buildClasses(snapshot.nodes);
  const eligibility = new Eligibility(classes);
  const jobs = new Map(snapshot.jobs.map((j) => [j.id, j]));
  const ledger = new ShareLedger(snapshot.clients, snapshot.nodes.filter((n) => n.pool === "onprem"), (id) => jobs.get(id)?.clientId, (l) => l.expectedEndAt > now + policy.preassignWithinSec * 1000);
  const tails = runningTails(snapshot.nodes, now);
  const states = new Map(snapshot.jobs.map((j) => [j.id, jobState(j, { policy, eligibility, runningTailSec: tails, maxSlotsOf: (c) => ledger.maxOf(c), cyclic: new Map() })]));
  return { snapshot, now, policy, classes, states, ledger };
}

/** A group member: the job's first step, due in `dueSlot` (null: best effort), `marginSec` before its deadline. */
export function member(f: Farm, jobId: string, dueSlot: number | null, marginSec = 0): Member {
  const s = f.states.get(jobId)!;
  const dueAt = dueSlot === null || s.job.deadlineAt === null ? null : s.job.deadlineAt - marginSec * 1000;
  return { s, st: s.steps[0]!, workH: s.workSec / 3600, dueAt, dueSlot: dueSlot ?? 99 };
}

/** One resource per class (index = class index), labelled by its first node. */
export function resources(f: Farm): Resource[] {
  return f.classes.map((c) => ({ index: c.index, classes: [c], label: c.nodes[0]!.id, speed: new Map() }) as unknown as Resource);
}

/**
 * Dispatch with one group per `quotas` entry: its members and the nodes per resource the LP
 * gives it now (`resources`: the classes its work may use, default all). `ordered` (default: every member's job) feeds the work-conserving fill.
 * `cloudOk` lets every job and group rent; `rent` is the LP's rented nodes per slot (default none); `waking`: asleep nodes the plan wakes.
 */
export function dispatch(f: Farm, groups: { members: Member[]; quota: Record<number, number>; plannedH?: number[]; resources?: number[] }[], opts: { ordered?: string[]; deferred?: string[]; cloudOk?: boolean; prerequisites?: string[]; rent?: number[]; guarantees?: boolean | "may-rent" | GuaranteePlan; waking?: string[] } = {}): QuotaDispatchResult {
  const gs = groups.map((g, index) => ({
    index, clientId: g.members[0]!.s.job.clientId, cloudOk: opts.cloudOk ?? false, kind: g.members[0]!.st.step.kind, priority: 50, members: g.members, resources: resources(f).filter((r) => g.resources?.includes(r.index) ?? true), clouds: [],
    dueAt: g.members.reduce<number | null>((m, x) => (x.dueAt === null ? m : m === null ? x.dueAt : Math.min(m, x.dueAt)), null),
    dueBySlot: g.members.reduce((m, x) => (x.dueAt === null ? m : m.set(x.dueSlot, (m.get(x.dueSlot) ?? 0) + x.workH)), new Map<number, number>()),
    lastDueSlot: Math.max(-1, ...g.members.filter((x) => x.dueAt !== null).map((x) => x.dueSlot)),
  }) as unknown as Group);
  const reading = {
    quotaOnprem: groups.map((g) => new Map(Object.entries(g.quota).map(([r, q]) => [Number(r), q]))),
    quotaCloud: groups.map(() => new Map()),
    // Default: the LP plans nothing ahead of the group's deadlines.
    plannedH: groups.map((g) => g.plannedH ?? new Array(12).fill(0)),
    rent: new Map(opts.rent ? [[`${groups[0]!.members[0]!.s.job.clientId}|0`, opts.rent]] : []),
  } as unknown as LpReading;
  const ids = opts.ordered ?? [...new Set(groups.flatMap((g) => g.members.map((m) => m.s.job.id)))];
  for (const s of f.states.values()) f.ledger.setDemand(s.job.clientId, f.ledger.demandOf(s.job.clientId) + s.liveTasks);
  const pools = buildPools(f.classes, f.now, f.policy.preassignWithinSec);
  const ordered = ids.map((id) => f.states.get(id)!);
  const jobs = new Map(f.snapshot.jobs.map((j) => [j.id, j.clientId]));
  // With `guarantees`, the guarantee rule with no LP plan beyond the quotas (no room for deadline work to wait);
  // "may-rent": as on a farm where clients may rent (a fresh job's first task passes the guard); a plan: the rule reads its room.
  const plan = typeof opts.guarantees === "object" ? opts.guarantees : null;
  const guarantee = opts.guarantees
    ? new GuaranteeRule(pools, ordered, f.ledger.guaranteeFractions(), (id) => jobs.get(id), (l) => l.expectedEndAt > f.now + f.policy.preassignWithinSec * 1000, plan, opts.guarantees === "may-rent")
    : undefined;
  return dispatchQuotas({
    groups: gs, reading, resources: resources(f), clouds: [], pools, ledger: f.ledger,
    policy: f.policy, now: f.now, ordered, deferred: new Set(opts.deferred ?? []), prerequisites: new Set(opts.prerequisites ?? []), cloudOk: () => opts.cloudOk ?? false,
    ...(guarantee ? { guarantee } : {}),
    ...(opts.waking ? { waking: new Set(f.snapshot.nodes.filter((n) => opts.waking!.includes(n.id))) } : {}),
  });
}

/** Tasks placed per job. */
export function perJob(r: QuotaDispatchResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of r.assignments) out[a.jobId] = (out[a.jobId] ?? 0) + 1;
  return out;
}

/** The class (= resource) index holding node `id`. */
export function classOf(f: Farm, id: string): number {
  return f.classes.find((c) => c.nodes.some((n) => n.id === id))!.index;
}
