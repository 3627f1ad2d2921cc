import type { CloudOffer } from "../types.ts";
import { type NodeClass, speedOf } from "../matching/node-classes.ts";
import { unmetRequirement } from "../matching/requirements.ts";
import type { StepState } from "../work/job-state.ts";
import { buildGroups, dueMarginMs, type Group } from "./groups.ts";
import { buildModel, type BuiltModel, type ModelInput } from "./model.ts";
import type { LpStageInput } from "./plan-lp.ts";
import { earliestStartOf } from "./precedence.ts";
import { buildCloudResources, buildResources, type CloudResource, MERGE_SPEED_RATIO, type Resource } from "./resources.ts";
import { slotAnchor, slotGrid, slotPrices, type SlotGrid } from "./slots.ts";

export interface LpProblem {
  grid: SlotGrid;
  resources: Resource[];
  clouds: CloudResource[];
  groups: Group[];
  built: BuiltModel;
  /** What the model was built from (lateness re-solves build it again with `late`). */
  modelInput: ModelInput;
}

/** The LP of one cycle, before solving: its slots, on-prem resources, cloud offers, job groups and model. */
export function buildLpProblem(input: LpStageInput, options: { completionCredit?: boolean } = {}): LpProblem {
  const { snapshot, policy, now, ledger } = input;
  let latest: number | null = null;
  const dueAts: number[] = [];
  for (const s of [...input.ordered, ...input.waiting]) {
    const d = input.facts.get(s.job.id)!.deadlineAt;
    if (d === null) continue;
    if (latest === null || d > latest) latest = d;
    // The grid gets an edge at each deadline less its tail margin (groups.ts sizes the margin by the group's best speed).
    const offers = input.cloudOk(s.job) && policy.burst.enabled ? snapshot.cloudOffers : [];
    for (const st of s.steps) if (st.live > 0) {
      const left = Math.max(0, d - Math.floor(now / 300_000) * 300_000 - 300_000);
      dueAts.push(d - dueMarginMs(policy, st, edgeSpeed(st, offers), left, options.completionCredit));
    }
  }
  const grid = slotGrid(now, latest, dueAts);
  const kinds = new Set<string>();
  const reqs: NodeClass[][] = [];
  const seen = new Set<readonly NodeClass[]>();
  for (const s of [...input.ordered, ...input.waiting]) {
    for (const st of s.steps) {
      if (st.live <= 0) continue;
      kinds.add(st.step.kind);
      if (!seen.has(st.eligible)) { seen.add(st.eligible); reqs.push(st.eligible); }
    }
  }
  const reqSets = reqs.map((r) => new Set(r.map((c) => c.index)));
  const fits = (c: NodeClass) => reqSets.map((set) => (set.has(c.index) ? "1" : "0")).join("");
  const resources = buildResources(input.classes, fits, [...kinds].sort(), grid, now);
  const resourceOf = new Map<number, (typeof resources)[number]>();
  for (const r of resources) for (const c of r.classes) resourceOf.set(c.index, r);
  const clouds = buildCloudResources(snapshot, grid, now, policy.burst.interruptionLossSec);
  const groups = buildGroups({
    ordered: input.ordered, waiting: input.waiting, facts: input.facts, resources, clouds, resourceOf,
    cloudOk: (s) => input.cloudOk(s.job) && policy.burst.enabled, tariffOn: policy.tariff.enabled && input.curve !== null, policy, grid, now,
    // From the slot clock, not the second: a release slot that moved with every event would change the
    // LP's shape within a slot, and the plan of record could not be replayed (slightly early: still a lower bound).
    earliestStart: earliestStartOf(input.states, clouds, slotAnchor(now)), completionCredit: options.completionCredit,
  });
  const guarantee = ledger.guaranteeFractions();
  const maxShare = new Map(snapshot.clients.map((c) => [c.id, Math.min(1, Math.max(0, c.maxShare))]));
  const modelInput: ModelInput = {
    groups, resources, clouds, grid, snapshot, guarantee, maxShare, now, completionCredit: options.completionCredit, cloudNodes: snapshot.nodes.filter((n) => n.pool === "cloud"),
    guaranteesFirst: policy.guaranteeRule === "before-tariff" && !mayRent(input, clouds.length),
    priceTimed: slotPrices(grid, input.curve, !policy.tariff.enabled), priceFlat: slotPrices(grid, input.curve, true),
  };
  return { grid, resources, clouds, groups, built: buildModel(modelInput), modelInput };
}

/**
 * A speed no faster than the best the step's group will size its margin by (groups.ts bestSpeed), for
 * its deadline's grid edge: the group's due time then falls on or just after the edge and is due there.
 * Its fastest eligible on-prem class less the resources' merge ratio (a resource's speed is a mean of
 * classes within that ratio), or an offer's speed when the job may rent. Sized at reference speed, the
 * edge of work on faster hardware fell before the group's due time and the due time rounded down to
 * the coarse edge below it: 5–13 minutes early in competing-deadlines' 2-hourly slots (C2's hour-long
 * sim tasks on 2.4× nodes), farm time the LP then rented for.
 */
function edgeSpeed(st: StepState, offers: readonly CloudOffer[]): number {
  let best = 0;
  for (const c of st.eligibleOnprem) best = Math.max(best, speedOf(c.speed, st.step.kind) / MERGE_SPEED_RATIO);
  for (const o of offers) if (unmetRequirement(o.capabilities, st.step.requirements) === null) best = Math.max(best, speedOf(o.speed, st.step.kind));
  return best > 0 ? best : 1;
}

/** The same problem with the `late` groups' work planned past their deadlines, lateness priced (model.ts). */
export function withLateness(p: LpProblem, late: ReadonlySet<number>): LpProblem {
  const modelInput = { ...p.modelInput, late };
  return { ...p, built: buildModel(modelInput), modelInput };
}

/**
 * Whether any client may rent (bursting on, an offer, a client allowed with budget left). Where none may,
 * guarantees before tariff timing count in the LP as the simulator counts them (model.ts guaranteesFirst). Where
 * some may, the guarantee rule lets deadline work wait only into on-prem room the LP's plan leaves idle
 * ({@link GuaranteePlan.idleRoomOnly}; cloud ≫ guarantees). Measured and rejected: standing the
 * rule aside whenever a client may rent (it then never ran in 8 of 11 scenarios: deadline-change
 * 341.4 guarantee client-minutes, competing-deadlines 1768.6), and running it in full only while
 * the plan rented nothing (+1–2% cloud: competing-deadlines 20.52 → 20.77, delivery-burst
 * 34.76 → 35.31 at seed 2), and letting deadline work wait also into room the plan gave the owed
 * client (deadline-change rented 1.18 it had not needed).
 */
export function mayRent(input: LpStageInput, offers: number): boolean {
  return input.policy.burst.enabled && offers > 0 && input.snapshot.clients.some((c) => c.cloudAllowed && c.cloudBudgetLeft > 0);
}
