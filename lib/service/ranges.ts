/**
 * Sorted, disjoint, inclusive index ranges — how task sets are stored (never one row per
 * task). Functions return new arrays; inputs are not modified.
 */
import type { IndexRange } from "../planner/index.ts";

export function countRanges(ranges: readonly IndexRange[]): number {
  let n = 0;
  for (const r of ranges) n += r.to - r.from + 1;
  return n;
}

export function rangesContain(ranges: readonly IndexRange[], i: number): boolean {
  return ranges.some((r) => i >= r.from && i <= r.to);
}

export function fullRange(count: number): IndexRange[] {
  return count > 0 ? [{ from: 0, to: count - 1 }] : [];
}

/** Add one index, merging neighbours. */
export function addIndex(ranges: readonly IndexRange[], i: number): IndexRange[] {
  if (rangesContain(ranges, i)) return ranges.map((r) => ({ ...r }));
  const out = [...ranges.map((r) => ({ ...r })), { from: i, to: i }].sort((a, b) => a.from - b.from);
  return mergeRanges(out);
}

/** Remove one index, splitting its range. */
export function removeIndex(ranges: readonly IndexRange[], i: number): IndexRange[] {
  const out: IndexRange[] = [];
  for (const r of ranges) {
    if (i < r.from || i > r.to) { out.push({ ...r }); continue; }
    if (r.from < i) out.push({ from: r.from, to: i - 1 });
    if (i < r.to) out.push({ from: i + 1, to: r.to });
  }
  return out;
}

/** Sorted input; merges overlapping and adjacent ranges. */
export function mergeRanges(sorted: readonly IndexRange[]): IndexRange[] {
  const out: IndexRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

export function firstIndex(ranges: readonly IndexRange[]): number | undefined {
  return ranges[0]?.from;
}
