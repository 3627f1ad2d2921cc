import type { IndexRange } from "../types.ts";

/**
 * Task order within a step. Sequential walks the pending ranges. Preview-first gives an artist
 * the shot's shape early: first, last, middle, then bisection (quarters, eighths, …) — the
 * order Royal Render and Deadline users ask for. Only pending tasks are yielded, lazily, so a
 * cycle that places k tasks costs O(k) for sequential and O(k + skipped) for preview order.
 */
export function* taskOrder(pending: readonly IndexRange[], taskCount: number, previewFirst: boolean): Generator<number> {
  if (!previewFirst) {
    for (const r of pending) for (let i = r.from; i <= r.to; i++) yield i;
    return;
  }
  if (taskCount <= 0 || pending.length === 0) return;
  // Every index is visited once: the endpoints, then each interval's midpoint (never an endpoint).
  const emit = function* (i: number) {
    if (contains(pending, i)) yield i;
  };
  yield* emit(0);
  if (taskCount > 1) yield* emit(taskCount - 1);
  const queue: [number, number][] = [[0, taskCount - 1]];
  for (let head = 0; head < queue.length; head++) {
    const [a, b] = queue[head]!;
    if (b - a < 2) continue;
    const m = Math.floor((a + b) / 2);
    yield* emit(m);
    queue.push([a, m], [m, b]);
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
