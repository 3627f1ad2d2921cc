import type { Tariff } from "../types.ts";

/**
 * A tariff as a curve with prefix sums, so the average price of any window costs O(log H).
 * Gaps between slots and time outside them cost the tariff's default price.
 */
export class PriceCurve {
  private readonly starts: number[] = [];
  private readonly prices: number[] = [];
  /** cumulative[i] = ∫ price dt (price × ms) from starts[0] to starts[i]. */
  private readonly cumulative: number[] = [0];
  private readonly fallback: number;

  constructor(tariff: Tariff) {
    this.fallback = tariff.defaultPricePerKWh;
    let cursor = -Infinity;
    for (const s of tariff.slots) {
      if (s.endAt <= s.startAt || s.startAt < cursor) continue; // ignore malformed or overlapping slots
      if (cursor !== -Infinity && s.startAt > cursor) this.push(cursor, this.fallback);
      this.push(s.startAt, s.pricePerKWh);
      cursor = s.endAt;
    }
    if (cursor !== -Infinity) this.push(cursor, this.fallback);
  }

  private push(startAt: number, price: number): void {
    const n = this.starts.length;
    if (n > 0) this.cumulative.push(this.cumulative[n - 1]! + this.prices[n - 1]! * (startAt - this.starts[n - 1]!));
    this.starts.push(startAt);
    this.prices.push(price);
  }

  /** Slot boundaries inside (from, to], where a cheaper window can begin. */
  boundaries(from: number, to: number): number[] {
    const out: number[] = [];
    for (let i = this.indexAt(from) + 1; i < this.starts.length && this.starts[i]! <= to; i++) out.push(this.starts[i]!);
    return out;
  }

  priceAt(t: number): number {
    const i = this.indexAt(t);
    return i < 0 ? this.fallback : this.prices[i]!;
  }

  /** Mean price per kWh over [from, to). */
  average(from: number, to: number): number {
    if (to <= from) return this.priceAt(from);
    return (this.integral(to) - this.integral(from)) / (to - from);
  }

  private integral(t: number): number {
    const i = this.indexAt(t);
    if (i < 0) return (t - (this.starts[0] ?? t)) * this.fallback;
    return this.cumulative[i]! + this.prices[i]! * (t - this.starts[i]!);
  }

  private indexAt(t: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    let ans = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! <= t) { ans = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return ans;
  }
}
