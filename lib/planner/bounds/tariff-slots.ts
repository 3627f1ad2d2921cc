import type { Tariff } from "../types.ts";

/**
 * Time-weighted mean price of each slot `[now + t·slot, now + (t+1)·slot)`; gaps between the
 * tariff's slots cost `defaultPricePerKWh`; no tariff means energy is free (0).
 */
export function tariffPerSlot(tariff: Tariff | null, now: number, slotMs: number, slots: number): number[] {
  const out = new Array<number>(slots).fill(0);
  if (!tariff) return out;
  const ps = tariff.slots;
  let i = 0;
  for (let t = 0; t < slots; t++) {
    const a = now + t * slotMs;
    const b = a + slotMs;
    while (i < ps.length && ps[i]!.endAt <= a) i++;
    let covered = 0;
    let cost = 0;
    for (let k = i; k < ps.length && ps[k]!.startAt < b; k++) {
      const p = ps[k]!;
      const len = Math.min(b, p.endAt) - Math.max(a, p.startAt);
      if (len > 0) { covered += len; cost += len * p.pricePerKWh; }
    }
    out[t] = (cost + (slotMs - covered) * tariff.defaultPricePerKWh) / slotMs;
  }
  return out;
}
