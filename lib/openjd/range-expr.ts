/**
 * Integer range expressions (spec §3.4.1.1.1): `"1-100:10"`, `"50, 60-100:5, 1-10"`,
 * `"10-1:-1"`. Parsed into ascending arithmetic segments so the i-th value is found by
 * binary search — a 100,000-frame range is three numbers, never a 100,000-element array.
 */

/** Values `start, start+step, …` (`count` of them), ascending; step ≥ 1. */
export interface Segment {
  start: number;
  step: number;
  count: number;
}

const ELEMENT = /^(-?\d+)(?:\s*-\s*(-?\d+)(?:\s*:\s*(-?\d+))?)?$/;

function toInt(text: string, expr: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`"${expr}": ${text} is too large`);
  return n;
}

/** Parses a range expression; throws an Error whose message says what is wrong. */
export function parseRangeExpr(expr: string): Segment[] {
  const spans: { lo: number; hi: number; text: string; segment: Segment }[] = [];
  for (const raw of expr.split(",")) {
    const text = raw.trim();
    const m = ELEMENT.exec(text);
    if (!m) {
      throw new Error(`"${expr}" is not a range expression: "${text}" is not an integer, "a-b" or "a-b:step"`);
    }
    const x = toInt(m[1]!, expr);
    const y = m[2] === undefined ? x : toInt(m[2], expr);
    const n = m[3] === undefined ? 1 : toInt(m[3], expr);
    if (n === 0) throw new Error(`"${expr}": the step in "${text}" must not be zero`);
    spans.push({ lo: Math.min(x, y), hi: Math.max(x, y), text, segment: segmentOf(x, y, n) });
  }
  spans.sort((a, b) => a.lo - b.lo);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1]!;
    const cur = spans[i]!;
    if (cur.lo <= prev.hi) throw new Error(`"${expr}": ranges "${prev.text}" and "${cur.text}" overlap`);
  }
  return spans.map((s) => s.segment);
}

// {x} ∪ {x+mn : m ≥ 1, x+mn ≤ y (n>0) or ≥ y (n<0)}, turned ascending.
function segmentOf(x: number, y: number, n: number): Segment {
  if (n > 0 && y >= x) return { start: x, step: n, count: Math.floor((y - x) / n) + 1 };
  if (n < 0 && y <= x) {
    const count = Math.floor((x - y) / -n) + 1;
    return { start: x + (count - 1) * n, step: -n, count };
  }
  return { start: x, step: 1, count: 1 };
}

export function rangeLength(segments: readonly Segment[]): number {
  let total = 0;
  for (const s of segments) total += s.count;
  return total;
}

const offsetsCache = new WeakMap<readonly Segment[], Float64Array>();

function offsets(segments: readonly Segment[]): Float64Array {
  let cached = offsetsCache.get(segments);
  if (!cached) {
    cached = new Float64Array(segments.length + 1);
    for (let i = 0; i < segments.length; i++) cached[i + 1] = cached[i]! + segments[i]!.count;
    offsetsCache.set(segments, cached);
  }
  return cached;
}

/** The `index`-th value in ascending order, in O(log segments). */
export function rangeValueAt(segments: readonly Segment[], index: number): number {
  const off = offsets(segments);
  if (!(index >= 0 && index < off[segments.length]!)) throw new RangeError(`index ${index} is outside the range`);
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (off[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  const s = segments[lo]!;
  return s.start + (index - off[lo]!) * s.step;
}

/** Compact expression for ascending values: [1,2,3,5,7,8] → "1-3,5,7-8". */
export function compactRangeExpr(values: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    parts.push(j === i ? String(values[i]) : `${values[i]}-${values[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}
