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

export function parseFrames(spec: FramesSpec, field: string): FrameRange[] {
  const ranges: FrameRange[] = typeof spec === "string"
    ? spec.split(",").map((part) => parsePart(part.trim(), field))
    : [{ start: spec.start, end: spec.end, step: spec.step }];
  for (const r of ranges) {
    if (r.end < r.start) throw new ValidationError(field, `range ${r.start}-${r.end} ends before it starts`);
  }
  const n = frameCount(ranges);
  if (n > maxFramesPerStep) throw new ValidationError(field, `${n} frames is more than the ${maxFramesPerStep} allowed per step`);
  return ranges;
}

function parsePart(part: string, field: string): FrameRange {
  const m = /^(-?\d+)(?:\s*-\s*(-?\d+)(?:\s*:\s*(\d+))?)?$/.exec(part);
  if (!m) throw new ValidationError(field, `"${part}" is not a frame or range`);
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
