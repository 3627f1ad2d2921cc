/** Energy price lookups and cost integration over a piecewise-constant tariff. */
import type { Tariff } from "../planner/index.ts";

function slotIndex(t: Tariff, at: number): number {
  let lo = 0;
  let hi = t.slots.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = t.slots[mid]!;
    if (at < s.startAt) hi = mid - 1;
    else if (at >= s.endAt) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export function priceAt(t: Tariff | null, at: number): number {
  if (!t) return 0;
  const i = slotIndex(t, at);
  return i < 0 ? t.defaultPricePerKWh : t.slots[i]!.pricePerKWh;
}

/** Cost of drawing `watts` over [from, to): Σ kWh × price, split at slot boundaries. */
export function energyCost(t: Tariff | null, watts: number, from: number, to: number): number {
  if (!t || watts === 0 || to <= from) return 0;
  let cost = 0;
  let at = from;
  while (at < to) {
    const i = slotIndex(t, at);
    let end = to;
    let price = t.defaultPricePerKWh;
    if (i >= 0) {
      const s = t.slots[i]!;
      end = Math.min(to, s.endAt);
      price = s.pricePerKWh;
    } else {
      const next = t.slots.find((s) => s.startAt > at);
      if (next) end = Math.min(to, next.startAt);
    }
    cost += (watts / 1000) * ((end - at) / 3600_000) * price;
    at = end;
  }
  return cost;
}
