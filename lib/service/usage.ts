/**
 * What one task attempt cost, for billing clients by day: node-hours (on-prem or cloud),
 * cloud cost (hourly price × hours), energy (busy power × hours) and its cost at the tariff
 * price in force at the attempt's midpoint.
 */
import type { Tariff } from "../planner/index.ts";
import type { NodeRecord, UsageDelta } from "./model.ts";

export function priceAt(tariff: Tariff | null, at: number): number {
  if (!tariff) return 0;
  const slot = tariff.slots.find((s) => s.startAt <= at && at < s.endAt);
  return slot ? slot.pricePerKWh : tariff.defaultPricePerKWh;
}

export function attemptUsage(node: NodeRecord | undefined, startedAt: number, endedAt: number, tariff: Tariff | null, succeeded: boolean): UsageDelta {
  const hours = Math.max(0, endedAt - startedAt) / 3_600_000;
  const cloud = node?.pool === "cloud";
  // On a multi-slot node one task is charged its share of the node.
  const share = 1 / Math.max(1, node?.slots ?? 1);
  const energyKWh = ((node?.powerBusyW ?? 0) * hours * share) / 1000;
  return {
    onpremNodeHours: cloud ? 0 : hours * share,
    cloudNodeHours: cloud ? hours * share : 0,
    cloudCost: cloud ? (node?.pricePerHour ?? 0) * hours * share : 0,
    energyKWh,
    // Cloud power is in the instance price; energy cost is billed for on-prem nodes only.
    energyCost: cloud ? 0 : energyKWh * priceAt(tariff, (startedAt + endedAt) / 2),
    tasks: succeeded ? 1 : 0,
  };
}

export function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
