/**
 * Frame lists of native jobs: `"1-100"`, `"1-100:5"`, `"1,3,10-20"` or `{start,end,step}`.
 * Stored as stepped ranges; task i covers positions [i×chunk, (i+1)×chunk) of the list.
 */
import { ValidationError } from "./errors.ts";
import type { FramesSpec } from "./job-spec.ts";

export interface FrameRange {
  start: number;
  end: number;
  step: number;
}

/** Most frames one step may list (keeps the job record well under DynamoDB's 400 KB). */
export const maxFramesPerStep = 1_000_000;
/** Frame numbers (and steps) as renderers take them: 32-bit signed. */
export const maxFrameNumber = 2_147_483_647;

export function parseFrames(spec: FramesSpec, field: string): FrameRange[] {
  const ranges: FrameRange[] = typeof spec === "string"
    ? spec.split(",").map((part) => parsePart(part.trim(), field))
    : [{ start: spec.start, end: spec.end, step: spec.step }];
  for (const r of ranges) {
    // "99999999999999999999" would silently become 1e20, and 400 digits Infinity: refuse what a frame number cannot be.
    for (const v of [r.start, r.end, r.step]) {
      if (!Number.isSafeInteger(v) || Math.abs(v) > maxFrameNumber) throw new ValidationError(field, `${v}: frame numbers and steps are integers within ±${maxFrameNumber}`);
    }
    if (r.end < r.start) throw new ValidationError(field, `range ${r.start}-${r.end} ends before it starts`);
  }
  const n = frameCount(ranges);
  if (n > maxFramesPerStep) throw new ValidationError(field, `${n} frames is more than the ${maxFramesPerStep} allowed per step`);
  const twice = repeatedFrame(ranges);
  if (twice !== null) throw new ValidationError(field, `frame ${twice} is listed more than once (ranges overlap)`);
  return ranges;
}

/** A frame two ranges both list, or null. Plain ranges need only a sort; stepped ones that may interleave are checked frame by frame (at most `maxFramesPerStep`). */
function repeatedFrame(ranges: readonly FrameRange[]): number | null {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  let reach = -Infinity;
  let stepped = false;
  for (const r of sorted) {
    if (r.start <= reach) {
      if (!stepped && r.step === 1) return r.start;
      return firstDuplicate(ranges);
    }
    reach = Math.max(reach, r.end);
    stepped ||= r.step > 1;
  }
  return null;
}

function firstDuplicate(ranges: readonly FrameRange[]): number | null {
  const seen = new Set<number>();
  for (const r of ranges) for (let f = r.start; f <= r.end; f += r.step) {
    if (seen.has(f)) return f;
    seen.add(f);
  }
  return null;
}

function parsePart(part: string, field: string): FrameRange {
  const m = /^(-?\d+)(?:\s*-\s*(-?\d+)(?:\s*:\s*(\d+))?)?$/.exec(part);
  if (!m) throw new ValidationError(field, `"${part}" is not a frame or range`);
  // Checked on the text, so the error quotes what was sent (not the 1e20 it would have become).
  if ([m[1], m[2], m[3]].some((t) => t !== undefined && Math.abs(Number(t)) > maxFrameNumber)) {
    throw new ValidationError(field, `"${part}": frame numbers and steps are integers within ±${maxFrameNumber}`);
  }
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (step < 1) throw new ValidationError(field, `step in "${part}" must be at least 1`);
  return { start, end, step };
}

export function frameCount(ranges: readonly FrameRange[]): number {
  let n = 0;
  for (const r of ranges) n += Math.floor((r.end - r.start) / r.step) + 1;
  return n;
}

/** Frames at list positions [from, from + count). */
export function framesAt(ranges: readonly FrameRange[], from: number, count: number): number[] {
  const out: number[] = [];
  let skip = from;
  for (const r of ranges) {
    const len = Math.floor((r.end - r.start) / r.step) + 1;
    if (skip >= len) { skip -= len; continue; }
    for (let k = skip; k < len && out.length < count; k++) out.push(r.start + k * r.step);
    skip = 0;
    if (out.length >= count) break;
  }
  return out;
}

/** Every Nth frame of each range, for a low-quality preview pass (always includes each range's first frame). */
export function everyNth(ranges: readonly FrameRange[], n: number): FrameRange[] {
  return ranges.map((r) => ({ start: r.start, end: r.end, step: r.step * n }));
}
