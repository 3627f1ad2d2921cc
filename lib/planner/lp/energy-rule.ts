import { type NodeClass, speedOf } from "../matching/node-classes.ts";
import type { SlotPool } from "../matching/slot-pools.ts";
import type { StepState } from "../work/job-state.ts";
import type { Group } from "./groups.ts";
import type { LpReading } from "./read.ts";

/** The idle fill leaves an energy-intensive task off a class drawing more than this times the best eligible class's energy per unit of work. */
export const IDLE_FILL_ENERGY_RATIO = 1.5;

/** On-prem busy kWh per reference hour of `kind` on class `c` (Infinity where it cannot run the kind). */
export function kwhPerRefHour(c: NodeClass, kind: string): number {
  return perWork(drawOf(c), c, kind);
}

/** A class's busy draw (kW) and slots, summed over its nodes. */
interface Draw { kw: number; slots: number }

function drawOf(c: NodeClass): Draw {
  let kw = 0;
  let slots = 0;
  for (const n of c.nodes) { kw += n.powerBusyW / 1000; slots += n.slots; }
  return { kw, slots };
}

function perWork(d: Draw, c: NodeClass, kind: string): number {
  const speed = speedOf(c.speed, kind);
  return d.slots > 0 && speed > 0 ? d.kw / d.slots / speed : Infinity;
}

/**
 * {@link kwhPerRefHour} for one dispatch: each class's nodes summed once, not at every ask (the
 * guarantee ranking and the idle fill ask thousands of times a cycle, each a scan of the class's nodes).
 */
export class ClassEnergy {
  private readonly draws = new Map<NodeClass, Draw>();

  kwhPerRefHour(c: NodeClass, kind: string): number {
    let d = this.draws.get(c);
    if (!d) this.draws.set(c, (d = drawOf(c)));
    return perWork(d, c, kind);
  }
}

/**
 * The work-conserving fill (work the LP did not plan now) with tariff timing on: an energy-intensive
 * task does not take an on-prem node that spends over {@link IDLE_FILL_ENERGY_RATIO}× the energy per
 * unit of work of the best on-prem class it may use (CPU renders on GPU boxes, ~3×). The LP, which
 * prices that energy, left the node free on purpose; filling it spent the tariff saving (kind-mix).
 * Only while the plan rents nothing (plansNoRental): otherwise any task done now may free later
 * capacity and save a rental, and cloud ≫ energy (peak-exhaustion rented 0.8% more, or missed, with the rule on).
 */
export function wastefulForIdle(st: StepState, pool: SlotPool, alternatives: readonly SlotPool[], energy: Pick<ClassEnergy, "kwhPerRefHour"> = { kwhPerRefHour }): boolean {
  if (pool.cls.pool !== "onprem") return false;
  let best = Infinity;
  for (const p of alternatives) if (p.cls.pool === "onprem") best = Math.min(best, energy.kwhPerRefHour(p.cls, st.step.kind));
  return energy.kwhPerRefHour(pool.cls, st.step.kind) > IDLE_FILL_ENERGY_RATIO * best;
}

/**
 * The LP's plan rents no node in any slot of its horizon, or no work may rent at all. The LP prices
 * cloud far above energy, so a plan that keeps every deadline on-prem without renting has no rental
 * for extra work now to save; work it left off a wasteful class waits for a better one on purpose.
 * (Keyed on "no work MAY rent", the rule was off wherever clients may burst though none did:
 * trace-replay ran a quarter of its CPU renders on GPU boxes at 2.9× the energy.)
 */
export function plansNoRental(groups: readonly Pick<Group, "cloudOk">[], reading: Pick<LpReading, "rent">): boolean {
  if (groups.every((g) => !g.cloudOk)) return true;
  for (const nodes of reading.rent.values()) if (nodes.some((n) => n > 0)) return false;
  return true;
}
