import type { PriceCurve } from "../tariff/price-curve.ts";

/**
 * The LP's time grid, fine near now and coarse further out (rolling horizon: only the first slot
 * is acted on, the rest keeps the first honest): 5-minute slots for the first 15 minutes (so a
 * burst that boots in 4 minutes is usable in slot 1), 15 minutes to 1 h, 30 minutes to 2 h, hourly
 * to 8 h, 2-hourly to 16 h, 4-hourly to 24 h, 8-hourly to 72 h, and a last slot reaching the latest deadline.
 */
const EDGES_MIN = [0, 5, 10, 15, 30, 60, 90, 120, 180, 240, 360, 480, 720, 960, 1440, 2160, 2880, 4320];

export interface SlotGrid {
  /** Slot t is [startAt[t], startAt[t+1]); length count + 1. */
  startAt: number[];
  /** Hours per slot. */
  hours: number[];
  /** Hours from now to the slot's middle (for the small earlier-is-better preference). */
  midHours: number[];
  count: number;
}

/** The clock grid slot edges sit on. */
export const SLOT_CLOCK_MS = 5 * 60_000;

/** The start of the 5-minute clock slot holding `now`: what model inputs that would otherwise move with every second round to. */
export function slotAnchor(now: number): number {
  return Math.floor(now / SLOT_CLOCK_MS) * SLOT_CLOCK_MS;
}

/** Most deadline edges added to the grid (those whose absence would cost the deadlines least are left out). */
const MAX_DEADLINE_EDGES = 10;

/**
 * `dueAts`: effective deadlines; each becomes a slot edge (rounded down to 5 minutes, beyond the
 * first 15 minutes) so a deadline is not rounded down to a coarse slot's start.
 */
export function slotGrid(now: number, latestDeadlineAt: number | null, dueAts: readonly number[] = []): SlotGrid {
  // Edges sit on a 5-minute clock grid (slot 0 runs from now to the next edge), so events within the
  // same 5 minutes see the same slots and a fresh plan of record can be replayed (plan-of-record.ts).
  const step = SLOT_CLOCK_MS;
  const anchor = slotAnchor(now);
  const base = [now, ...EDGES_MIN.slice(1).map((m) => anchor + m * 60_000)];
  const last = base[base.length - 1]!;
  let due = [...new Set(dueAts.map((d) => anchor + Math.floor((d - anchor) / step) * step).filter((d) => d > anchor + 15 * 60_000 && d < last))].sort((a, b) => a - b);
  if (due.length > MAX_DEADLINE_EDGES) due = pickDeadlineEdges(due, base, MAX_DEADLINE_EDGES);
  const startAt = [...new Set([...base, ...due])].sort((a, b) => a - b);
  const end = startAt[startAt.length - 1]!;
  if (latestDeadlineAt !== null && latestDeadlineAt > end + 3600_000) startAt.push(latestDeadlineAt);
  const count = startAt.length - 1;
  const hours: number[] = [];
  const midHours: number[] = [];
  for (let t = 0; t < count; t++) {
    hours.push((startAt[t + 1]! - startAt[t]!) / 3600_000);
    midHours.push((startAt[t]! + startAt[t + 1]! - 2 * now) / 2 / 3600_000);
  }
  return { startAt, hours, midHours, count };
}

/**
 * At most `max` of the deadline edges `due` (sorted, distinct), chosen so deadlines lose the least
 * time. A deadline whose edge is left out is due at the nearest edge below it (a kept deadline edge
 * or a `base` edge), so edges are dropped greedily, the one whose deadlines would move least first.
 * An even pick dropped edges regardless of that: with 30 jobs due on 7 deliveries (peak-exhaustion,
 * 21 effective deadlines) some were due up to 28 minutes early, tied with an earlier delivery.
 * Deadlines sit on the 5-minute clock within the grid, so there are a few hundred at most.
 */
export function pickDeadlineEdges(due: readonly number[], base: readonly number[], max: number): number[] {
  const n = due.length;
  if (n <= max) return [...due];
  // Kept edges as a linked list over `due`'s indices; an edge's loss (deadlines due there × time
  // they would move down) changes only when a neighbour is dropped, so each drop re-prices two edges
  // and the cheapest is taken from a heap (ties: the earliest edge), not found by a scan of all.
  const baseBelow = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let b = -Infinity;
    for (const e of base) if (e <= due[i]! && e > b) b = e;
    baseBelow[i] = b;
  }
  const prev = new Int32Array(n);
  const next = new Int32Array(n);
  const count = new Float64Array(n).fill(1);
  const loss = new Float64Array(n);
  const dropped = new Uint8Array(n);
  const heap = new LossHeap();
  const price = (i: number) => {
    const below = Math.max(prev[i]! >= 0 ? due[prev[i]!]! : -Infinity, baseBelow[i]!);
    loss[i] = count[i]! * (due[i]! - below);
    heap.push(loss[i]!, i);
  };
  for (let i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; }
  for (let i = 0; i < n; i++) price(i);
  for (let kept = n; kept > max;) {
    const l = heap.minKey();
    const best = heap.pop();
    if (dropped[best] || l !== loss[best]) continue; // re-priced since
    const p = prev[best]!;
    const q = next[best]!;
    // Its deadlines move to the kept edge below it, if that is the nearer edge (else to a base edge, which stays).
    if (p >= 0 && due[p]! >= baseBelow[best]!) count[p]! += count[best]!;
    dropped[best] = 1;
    kept--;
    if (p >= 0) next[p] = q;
    if (q >= 0) prev[q] = p;
    if (p >= 0) price(p);
    if (q >= 0) price(q);
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!dropped[i]) out.push(due[i]!);
  return out;
}

/** A min-heap of (loss, edge index) pairs, ties broken by the lower index. */
class LossHeap {
  private readonly keys: number[] = [];
  private readonly ids: number[] = [];
  private less(a: number, b: number): boolean {
    return this.keys[a]! < this.keys[b]! || (this.keys[a] === this.keys[b] && this.ids[a]! < this.ids[b]!);
  }
  private swap(a: number, b: number): void {
    const k = this.keys[a]!; this.keys[a] = this.keys[b]!; this.keys[b] = k;
    const i = this.ids[a]!; this.ids[a] = this.ids[b]!; this.ids[b] = i;
  }
  push(key: number, id: number): void {
    this.keys.push(key);
    this.ids.push(id);
    for (let c = this.keys.length - 1; c > 0;) {
      const p = (c - 1) >> 1;
      if (!this.less(c, p)) break;
      this.swap(c, p);
      c = p;
    }
  }
  minKey(): number {
    return this.keys[0]!;
  }
  /** Takes the least pair off, returning its id. */
  pop(): number {
    const top = this.ids[0]!;
    const k = this.keys.pop()!;
    const i = this.ids.pop()!;
    if (this.keys.length > 0) {
      this.keys[0] = k;
      this.ids[0] = i;
      for (let p = 0; ;) {
        const a = 2 * p + 1;
        const b = a + 1;
        let m = p;
        if (a < this.keys.length && this.less(a, m)) m = a;
        if (b < this.keys.length && this.less(b, m)) m = b;
        if (m === p) break;
        this.swap(p, m);
        p = m;
      }
    }
    return top;
  }
}

/** Slot containing instant `at` (count − 1 past the end, 0 before now). */
export function slotOf(grid: SlotGrid, at: number): number {
  if (at <= grid.startAt[0]!) return 0;
  let lo = 0;
  let hi = grid.count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (grid.startAt[mid]! <= at) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** Mean energy price per slot (flat when `flat` is given: tariff timing off). */
export function slotPrices(grid: SlotGrid, curve: PriceCurve | null, flat: boolean): number[] {
  if (!curve) return grid.hours.map(() => 0);
  const prices = grid.hours.map((_, t) => curve.average(grid.startAt[t]!, grid.startAt[t + 1]!));
  if (!flat) return prices;
  let sum = 0;
  let h = 0;
  for (let t = 0; t < grid.count; t++) { sum += prices[t]! * grid.hours[t]!; h += grid.hours[t]!; }
  return prices.map(() => (h > 0 ? sum / h : 0));
}
