import { cloudHeld } from "../burst/ceiling-room.ts";
import type { Snapshot } from "../types.ts";
import type { CloudResource } from "./resources.ts";
import type { SlotGrid } from "./slots.ts";
import type { LpBuilder } from "./solver.ts";
import { lpKey, ROW } from "./lp-keys.ts";

/** The farm's cloud ceiling per slot: rows every `rent` column enters (absent: no ceiling). */
export interface FarmRows {
  /** Per slot: Σ rented instances ≤ maxInstances − instances the LP does not represent. */
  instances: number[] | null;
  /** Per slot: Σ rented instances × price ≤ maxSpendPerHour − spend of instances the LP does not represent. */
  spend: number[] | null;
}

/**
 * Snapshot.cloudLimits as rows over all clients' rent columns. A rent column of client c and
 * offer o stands for every instance of o that c holds or has asked for, so the instances it
 * does not cover — other clients' and unowned rented nodes, pending requests of clients or
 * types the LP does not rent — take their share of the ceiling first.
 */
export function addFarmRows(lp: LpBuilder, snapshot: Snapshot, clouds: readonly CloudResource[], grid: SlotGrid, renters: ReadonlyMap<string, ReadonlySet<CloudResource>>): FarmRows {
  const limits = snapshot.cloudLimits;
  if (!limits || (limits.maxInstances === undefined && limits.maxSpendPerHour === undefined)) return { instances: null, spend: null };
  const offerOf = new Map(clouds.map((c) => [c.offer.instanceType, c]));
  const represented = (clientId: string | undefined, instanceType: string | undefined) => {
    const c = instanceType === undefined ? undefined : offerOf.get(instanceType);
    return clientId !== undefined && c !== undefined && (renters.get(clientId)?.has(c) ?? false);
  };
  const other = cloudHeld(snapshot, [], represented);
  // Never below zero: instances already over the ceiling are not the LP's to release, and a negative bound would make it infeasible.
  const rows = (tag: number, limit: number | undefined, other: number) => (limit === undefined ? null : grid.hours.map((_, t) => lp.addRow(-Infinity, Math.max(0, limit - other), lpKey(tag, -1, -1, t))));
  return { instances: rows(ROW.farmInstances, limits.maxInstances, other.instances), spend: rows(ROW.farmSpend, limits.maxSpendPerHour, other.spendPerHour) };
}
