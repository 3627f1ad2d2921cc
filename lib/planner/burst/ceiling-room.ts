import type { BurstRequest, Snapshot } from "../types.ts";

/** What the farm's cloud ceiling still allows: more instances, and more spend per hour (Infinity: no ceiling). */
export interface CeilingRoom {
  instances: number;
  spendPerHour: number;
}

/** A request held against the ceiling (pending, or planned this cycle). */
type Asked = Pick<BurstRequest, "instanceType" | "market" | "count"> & { clientId?: string };

/**
 * The farm's cloud ceiling (Snapshot.cloudLimits) less what is already held or asked for: every
 * rented node not offline (at its own price), every pending request (at its offer's price for its
 * market), and `planned` requests of this cycle. The one place both the LP's rentals
 * (lp/actions.ts) and the greedy burst sizing (burst/sizing.ts) learn how many more nodes they may ask for.
 */
export function ceilingRoom(snapshot: Snapshot, planned: readonly Asked[] = []): CeilingRoom {
  const limits = snapshot.cloudLimits;
  const held = cloudHeld(snapshot, planned);
  return {
    instances: limits?.maxInstances === undefined ? Infinity : Math.max(0, limits.maxInstances - held.instances),
    spendPerHour: limits?.maxSpendPerHour === undefined ? Infinity : Math.max(0, limits.maxSpendPerHour - held.spendPerHour),
  };
}

/**
 * Cloud instances held or asked for, and their spend per hour: rented nodes not offline (at their
 * own price), pending requests and `planned` ones (at their offer's price for their market).
 * `skip(clientId, instanceType)` leaves some out (the LP's farm rows: those its rent columns stand for).
 */
export function cloudHeld(snapshot: Snapshot, planned: readonly Asked[] = [], skip: (clientId: string | undefined, instanceType: string | undefined) => boolean = () => false): { instances: number; spendPerHour: number } {
  const offers = new Map(snapshot.cloudOffers.map((o) => [o.instanceType, o]));
  const priceOf = (type: string | undefined, market: "spot" | "on-demand" | undefined) => {
    const o = type === undefined ? undefined : offers.get(type);
    if (!o) return 0;
    return market === "spot" ? o.spotPricePerHour : o.onDemandPricePerHour;
  };
  let instances = 0;
  let spendPerHour = 0;
  for (const n of snapshot.nodes) {
    if (n.pool !== "cloud" || n.status === "offline" || skip(n.clientId, n.instanceType)) continue;
    instances++;
    spendPerHour += n.pricePerHour ?? priceOf(n.instanceType, n.market);
  }
  for (const p of [...(snapshot.pendingBurst ?? []), ...planned]) {
    if (skip(p.clientId, p.instanceType)) continue;
    instances += p.count;
    spendPerHour += p.count * priceOf(p.instanceType, p.market);
  }
  return { instances, spendPerHour };
}

/** Most nodes at `pricePerHour` each that the room allows. */
export function roomFor(room: CeilingRoom, pricePerHour: number): number {
  const bySpend = pricePerHour > 0 ? Math.floor(room.spendPerHour / pricePerHour + 1e-9) : Infinity;
  return Math.max(0, Math.min(room.instances, bySpend));
}

/** Book `count` nodes at `pricePerHour` against the room. */
export function takeRoom(room: CeilingRoom, count: number, pricePerHour: number): void {
  room.instances -= count;
  room.spendPerHour -= count * pricePerHour;
}

/** The ceiling in words, for a request it trimmed or refused. */
export function ceilingText(snapshot: Snapshot): string {
  const l = snapshot.cloudLimits ?? {};
  const parts = [l.maxInstances === undefined ? null : `${l.maxInstances} instances`, l.maxSpendPerHour === undefined ? null : `${l.maxSpendPerHour.toFixed(2)}/h`].filter((x) => x !== null);
  return `the farm's cloud ceiling (${parts.join(", ")}, rented and requested nodes included)`;
}
