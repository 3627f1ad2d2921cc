import type { Policy } from "../types.ts";
import type { OrderFacts } from "../priority/order.ts";
import { speedOf } from "../matching/node-classes.ts";
import { unmetRequirement } from "../matching/requirements.ts";
import type { JobState, StepState } from "../work/job-state.ts";
import type { CloudResource, Resource } from "./resources.ts";
import { estimateFactor } from "./evidence.ts";
import { markRefusals } from "./refusals.ts";
import { type SlotGrid, slotOf } from "./slots.ts";

/** One step's share of a group: the unit dispatch hands quotas to, in deadline order. */
export interface Member {
  s: JobState;
  st: StepState;
  /** Reference hours of work this cycle may plan. */
  workH: number;
  /** Effective deadline (inherited urgency, minus the tail margin); null = best effort. */
  dueAt: number | null;
  /** Its work must be done by the end of this slot. */
  dueSlot: number;
}

/**
 * A job group: client × requirement set × kind (× deadline or not, cloud permission, energy
 * intensity). Frame ranges aggregated, never frames: the LP's size depends on
 * clients × hardware × slots, not on jobs. Jobs in a group can run on the same hardware at the
 * same speed, so earliest-deadline-first is optimal inside it and the group's deadlines become a
 * cumulative profile: work due by the end of each slot.
 */
export interface Group {
  index: number;
  clientId: string;
  kind: string;
  /** Earliest effective deadline among members (null: all best effort). */
  dueAt: number | null;
  /** Reference hours due by the end of each slot (slot → hours), deadline members only. */
  dueBySlot: Map<number, number>;
  lastDueSlot: number;
  /** Reference hours with no deadline. */
  bestEffortH: number;
  /** First slot the work may start in (1 when it waits for a prerequisite or another step). */
  releaseSlot: number;
  workH: number;
  tasks: number;
  /** Reference hours of one task (the largest in the group). */
  taskH: number;
  priority: number;
  cloudOk: boolean;
  energyIntensive: boolean;
  preview: boolean;
  resources: Resource[];
  /** Per resource index: slots on nodes that refuse every member (blocklists, repeated failures); absent: none (refusals.ts). */
  refusedSlots?: Map<number, number>;
  clouds: CloudResource[];
  /** Earliest deadline first (previews first among equals), then dispatch order. */
  members: Member[];
}

export interface GroupInput {
  ordered: readonly JobState[];
  waiting: readonly JobState[];
  facts: Map<string, OrderFacts>;
  resources: readonly Resource[];
  clouds: readonly CloudResource[];
  resourceOf: Map<number, Resource>;
  cloudOk: (s: JobState) => boolean;
  tariffOn: boolean;
  /** Earliest instant a waiting job's prerequisites could all be done (precedence.ts); absent: the next slot. */
  earliestStart?: (s: JobState) => number;
  policy: Policy;
  grid: SlotGrid;
  now: number;
  /** The model credits work when its task ends (ModelInput.completionCredit; default on): the margin leaves the task out. */
  completionCredit?: boolean;
}

/**
 * How long before its deadline a step's work is due in the LP (its effective deadline), `left` ms
 * before the deadline, `best` its best eligible speed. With completion credit (credit.ts) the LP
 * counts a task's work only when the task ends, so the last task's mean length is in the plan
 * already; the margin keeps what the credit does not see: that task's spread (`safetySigma`
 * runtime spreads of it) and a tenth of the time left, as estimates drift over hours (3Sigma),
 * at most a quarter of the time left; a measured mean above the estimate corrects the task's
 * length (evidence.ts). (A slot longer than a task lets the fluid plan count a task still running
 * at the due edge, at most one a node: the tenth of the time left takes that up far out, and each re-plan's slots shrink toward the deadline until the credit sees it.) A whole task
 * on top rented about an hour ahead for work the farm did alone (competing-deadlines). Without
 * completion credit the task itself is margin too.
 */
export function dueMarginMs(policy: Policy, st: StepState, best: number, left: number, completionCredit = true): number {
  const tasks = (completionCredit ? 0 : 1) + policy.safetySigma * st.step.runtimeSpread;
  return Math.min(tasks * st.taskSec * estimateFactor(policy, st.step) / best * 1000 + left / 10, left / 4);
}

/** The fastest a group's work of `kind` runs on its resources and rented offers (the speed its due-time margin is sized by). */
export function bestSpeed(resources: readonly Resource[], clouds: readonly CloudResource[], kind: string): number {
  let best = 1e-9;
  for (const r of resources) best = Math.max(best, r.speed.get(kind) ?? 1);
  for (const c of clouds) best = Math.max(best, speedOf(c.offer.speed, kind));
  return best;
}

export function buildGroups(input: GroupInput): Group[] {
  const { grid, now, policy } = input;
  // Groups in creation order; found per client by a number that packs the rest of the group's key (no key string per step).
  const groups: Group[] = [];
  const byClient = new Map<string, Map<number, Group>>();
  // Per requirement set (one shared `eligible` array each, from Eligibility's memo) and kind: the speed filter depends on both.
  const byEligible = new Map<readonly unknown[], Map<string, { id: number; res: Resource[]; clouds: CloudResource[] }>>();
  let reqIds = 0;
  const rank = new Map<JobState, number>();
  const add = (s: JobState, waiting: boolean) => {
    rank.set(s, rank.size);
    const f = input.facts.get(s.job.id)!;
    for (const st of s.steps) {
      const tasks = waiting || st.blocked ? (st.blocked?.startsWith("finals held") ? 0 : st.live) : st.allowance;
      if (tasks <= 0 || st.eligible.length === 0) continue;
      let byKind = byEligible.get(st.eligible);
      if (!byKind) byEligible.set(st.eligible, (byKind = new Map()));
      let req = byKind.get(st.step.kind);
      if (!req) {
        const set = new Set<Resource>();
        for (const c of st.eligibleOnprem) set.add(input.resourceOf.get(c.index)!);
        // Hardware at under a quarter of the best eligible speed for the kind is left out (GPU work on CPU boxes).
        const speedOn = (r: Resource) => r.speed.get(st.step.kind) ?? 1;
        const best = Math.max(0, ...[...set].map(speedOn));
        const res = [...set].filter((r) => speedOn(r) >= best / 4).sort((a, b) => a.index - b.index);
        const clouds = input.clouds.filter((c) => unmetRequirement(c.offer.capabilities, st.step.requirements) === null);
        byKind.set(st.step.kind, (req = { id: reqIds++, res, clouds }));
      }
      const res = req.res;
      const hasDeadline = f.deadlineAt !== null;
      const cloudOk = input.cloudOk(s) && hasDeadline;
      const clouds = cloudOk ? req.clouds : [];
      let dueAt: number | null = null;
      if (f.deadlineAt !== null) {
        dueAt = f.deadlineAt - dueMarginMs(policy, st, bestSpeed(res, clouds, st.step.kind), Math.max(0, f.deadlineAt - grid.startAt[1]!), input.completionCredit);
      }
      // Due by the end of the last slot that ends before the deadline (conservative; the rolling horizon refines it).
      const dueSlot = dueAt === null || dueAt >= grid.startAt[grid.count]! ? grid.count - 1 : Math.max(0, slotOf(grid, dueAt) - 1);
      // Waiting work starts no earlier than its prerequisites could end (never in slot 0: the plan re-runs when they do).
      const releaseSlot = !(waiting || st.blocked) ? 0 : Math.max(1, waiting && input.earliestStart ? slotOf(grid, input.earliestStart(s)) : 1);
      const energy = input.tariffOn && s.job.energyIntensive;
      const preview = st.step.role === "preview";
      // Requirement set and kind (req.id), release slot past the next one, deadline, cloud permission and energy intensity.
      const key = ((req.id * (grid.count + 1) + (releaseSlot > 1 ? releaseSlot : 0)) * 2 + (hasDeadline ? 1 : 0)) * 4 + (cloudOk ? 2 : 0) + (energy ? 1 : 0);
      let ofClient = byClient.get(s.job.clientId);
      if (!ofClient) byClient.set(s.job.clientId, (ofClient = new Map()));
      let g = ofClient.get(key);
      if (!g) {
        g = {
          index: groups.length, clientId: s.job.clientId, kind: st.step.kind, dueAt: null, dueBySlot: new Map(), lastDueSlot: -1, bestEffortH: 0, releaseSlot,
          workH: 0, tasks: 0, taskH: 0, priority: 0, cloudOk, energyIntensive: energy, preview, resources: res, clouds, members: [],
        };
        ofClient.set(key, g);
        groups.push(g);
      }
      // Measured runtimes above the estimate correct it (evidence.ts).
      const taskH = (st.taskSec * estimateFactor(policy, st.step)) / 3600;
      const workH = tasks * taskH;
      if (dueAt === null) g.bestEffortH += workH;
      else {
        if (g.dueAt === null || dueAt < g.dueAt) g.dueAt = dueAt;
        g.dueBySlot.set(dueSlot, (g.dueBySlot.get(dueSlot) ?? 0) + workH);
        g.lastDueSlot = Math.max(g.lastDueSlot, dueSlot);
      }
      // Work that waits (a prerequisite, an earlier step) shares its group: the group starts now if any of it may.
      g.releaseSlot = Math.min(g.releaseSlot, releaseSlot);
      g.preview ||= preview;
      g.workH += workH;
      g.tasks += tasks;
      g.taskH = Math.max(g.taskH, taskH);
      g.priority = Math.max(g.priority, f.priority);
      g.members.push({ s, st, workH, dueAt, dueSlot });
    }
  };
  for (const s of input.ordered) add(s, false);
  for (const s of input.waiting) add(s, true);
  markRefusals(groups, policy.failures.blocklistAfter);
  const role = (m: Member) => (m.st.step.role === "preview" ? 0 : 1);
  for (const g of groups) g.members.sort((a, b) => (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) || role(a) - role(b) || rank.get(a.s)! - rank.get(b.s)!);
  return groups;
}
