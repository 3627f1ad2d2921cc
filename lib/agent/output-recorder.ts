/**
 * Notes what a task's runner writes to the output store (every runner uploads through the
 * store it is handed, so this sees simulated, native and OpenJD outputs alike), and after a
 * success turns the latest frames into a manifest for the report: per frame the output key,
 * a thumbnail uploaded beside it under `<prefix>thumbs/`, the frame number and whether it is a
 * preview. Keys, not bytes: the report stays small (and is capped, see fitReport).
 */
import { basename } from "node:path";
import type { OutputStore } from "../service/ports.ts";
import { maxOutputsPerTask, type FrameOutput } from "../service/monitor/task-outputs.ts";
import type { TerminalReport } from "./journal.ts";
import { makeThumbnail, pngSize } from "./thumbnail.ts";

/** A terminal report is at most this many bytes of UTF-8 JSON (the poll body limit is 256 KB). */
export const maxReportBytes = 160 * 1024;

interface Write {
  seq: number;
  /**
   * Made as the frame is written (the bytes are at hand; reading a frame back from S3 would cost
   * its download) and kept for the latest few keys only: a chunk of 4K frames never sits in memory.
   */
  thumbnail?: Buffer;
  /** Why no thumbnail could be made. */
  problem?: string;
}

export interface TaskFrames {
  /** The frames the task renders (the assignment's, or its index). */
  frames: readonly number[];
  /** A low-quality preview pass (quality below 1). */
  quality: number | null;
}

export class OutputRecorder implements OutputStore {
  private readonly writes = new Map<string, Write>();
  private seq = 0;

  constructor(private readonly store: OutputStore, readonly prefix: string, private readonly log: (line: string) => void = () => {}) {}

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.store.put(key, body);
    if (!key.startsWith(this.prefix) || key.startsWith(`${this.prefix}thumbs/`)) return;
    this.writes.delete(key); // re-inserted last: Map order is write order
    this.writes.set(key, { seq: this.seq++, ...(typeof body !== "string" && pngSize(body) ? thumbnailOf(body) : {}) });
    // A preview pass and the final frame per frame, for the frames a manifest can hold.
    let keep = 2 * maxOutputsPerTask;
    for (const w of [...this.writes.values()].reverse()) if (w.thumbnail && --keep < 0) delete w.thumbnail;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.store.get(key);
  }

  /** The latest ≤16 frames written, oldest first, each with a thumbnail when it is a PNG. */
  async manifest(task: TaskFrames): Promise<FrameOutput[]> {
    const latest = new Map<number, { key: string; write: Write; pass: boolean }>();
    for (const [key, write] of this.writes) {
      const frame = frameOf(key, task.frames);
      if (frame === undefined) continue;
      const pass = key.slice(this.prefix.length).startsWith("preview/");
      const seen = latest.get(frame);
      // The finished frame supersedes its progressive passes, whatever order they came in.
      if (seen && !seen.pass && pass) continue;
      latest.delete(frame);
      latest.set(frame, { key, write, pass });
    }
    const chosen = [...latest.entries()].sort((a, b) => a[1].write.seq - b[1].write.seq).slice(-maxOutputsPerTask);
    const lowQuality = task.quality !== null && task.quality < 1;
    const out: FrameOutput[] = [];
    for (const [frame, { key, write, pass }] of chosen) {
      if (write.problem) this.log(`no thumbnail of ${key}: ${write.problem}`);
      const thumbnail = write.thumbnail ? await this.upload(key, write.thumbnail) : undefined;
      out.push({ key, frame, ...(thumbnail ? { thumbnail } : {}), preview: lowQuality || pass });
    }
    return out;
  }

  /** Uploads the thumbnail of `key`; a frame whose thumbnail could not be stored is still reported. */
  private async upload(key: string, png: Buffer): Promise<string | undefined> {
    const thumbKey = `${this.prefix}thumbs/${key.slice(this.prefix.length).replace(/\.[^./]*$/, "")}.png`;
    try {
      await this.store.put(thumbKey, png);
      return thumbKey;
    } catch (err) {
      this.log(`thumbnail upload of ${key} failed: ${(err as Error).message}`);
      return undefined;
    }
  }
}

function thumbnailOf(png: Uint8Array): Pick<Write, "thumbnail" | "problem"> {
  try {
    return { thumbnail: makeThumbnail(png).png };
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

/** The frame a file holds: the last number in its name when the task renders it, else the task's only frame. */
export function frameOf(key: string, frames: readonly number[]): number | undefined {
  const digits = basename(key).match(/\d+/g);
  const n = digits ? Number(digits[digits.length - 1]) : NaN;
  if (frames.includes(n)) return n;
  return frames.length === 1 ? frames[0] : undefined;
}

/** Drops manifest entries (the oldest first) until the report fits `maxBytes`; the report itself is never dropped. */
export function fitReport(report: TerminalReport, maxBytes = maxReportBytes): TerminalReport {
  const size = (r: TerminalReport) => Buffer.byteLength(JSON.stringify(r), "utf8");
  if (!report.outputs || size(report) <= maxBytes) return report;
  const outputs = [...report.outputs];
  while (outputs.length > 0 && size({ ...report, outputs }) > maxBytes) outputs.shift();
  const { outputs: _all, ...rest } = report;
  return outputs.length > 0 ? { ...rest, outputs } : rest;
}
