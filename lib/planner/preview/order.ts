import type { IndexRange } from "../types.ts";

/**
 * Task order within a step. Sequential walks the pending ranges. Preview-first gives an artist
 * the shot's shape early: first, last, middle, then bisection (quarters, eighths, …) — the
 * order Royal Render and Deadline users ask for. Only pending tasks are yielded, lazily, so a
 * cycle that places k tasks costs O(k) for sequential and O(k + skipped) for preview order.
 */
export function* taskOrder(pending: readonly IndexRange[], taskCount: number, previewFirst: boolean): Generator<number> {
  const cursor = new TaskCursor(pending, taskCount, previewFirst);
  for (let i = cursor.next(); i >= 0; i = cursor.next()) yield i;
}

/**
 * taskOrder's walk without a generator: `next()` is the next pending index, or -1 when there is
 * none. The dispatch asks for one task at a time, thousands of times a cycle; a generator allocated
 * a result object per index, and a nested generator plus two interval tuples per visited one.
 */
export class TaskCursor {
  /** Sequential: the range and index next. Preview: 0 = first, 1 = last, 2 = midpoints. */
  private range = 0;
  private at: number;
  private phase = 0;
  /** Preview: the intervals still to bisect, as (from, to) pairs, and the next to take. */
  private readonly queue: number[] = [];
  private head = 0;

  constructor(private readonly pending: readonly IndexRange[], private readonly taskCount: number, private readonly previewFirst: boolean) {
    this.at = pending.length > 0 ? pending[0]!.from : 0;
    // Every index is visited once: the endpoints, then each interval's midpoint (never an endpoint).
    if (previewFirst && (taskCount <= 0 || pending.length === 0)) this.phase = 3;
  }

  next(): number {
    return this.previewFirst ? this.nextPreview() : this.nextSequential();
  }

  private nextSequential(): number {
    for (; this.range < this.pending.length; this.range++) {
      const r = this.pending[this.range]!;
      if (this.at < r.from) this.at = r.from;
      if (this.at <= r.to) return this.at++;
      if (this.range + 1 < this.pending.length) this.at = this.pending[this.range + 1]!.from;
    }
    return -1;
  }

  private nextPreview(): number {
    if (this.phase === 0) {
      this.phase = this.taskCount > 1 ? 1 : 2;
      this.queue.push(0, this.taskCount - 1);
      if (contains(this.pending, 0)) return 0;
    }
    if (this.phase === 1) {
      this.phase = 2;
      if (contains(this.pending, this.taskCount - 1)) return this.taskCount - 1;
    }
    if (this.phase !== 2) return -1;
    const q = this.queue;
    while (this.head < q.length) {
      const a = q[this.head]!;
      const b = q[this.head + 1]!;
      this.head += 2;
      if (b - a < 2) continue;
      const m = Math.floor((a + b) / 2);
      q.push(a, m, m, b);
      if (contains(this.pending, m)) return m;
    }
    this.phase = 3;
    return -1;
  }
}

/** Binary search over sorted, disjoint ranges. */
export function contains(ranges: readonly IndexRange[], i: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (i < r.from) hi = mid - 1;
    else if (i > r.to) lo = mid + 1;
    else return true;
  }
  return false;
}

export function countRanges(ranges: readonly IndexRange[]): number {
  let n = 0;
  for (const r of ranges) n += r.to - r.from + 1;
  return n;
}
