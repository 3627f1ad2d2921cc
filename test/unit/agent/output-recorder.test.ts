import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { fitReport, frameOf, maxReportBytes, OutputRecorder } from "../../../lib/agent/output-recorder.ts";
import type { TerminalReport } from "../../../lib/agent/journal.ts";
import { terminalBatch, terminalBytesPerPoll } from "../../../lib/agent/poll-loop.ts";
import type { OutputStore } from "../../../lib/service/ports.ts";

class MemoryStore implements OutputStore {
  readonly files = new Map<string, Uint8Array | string>();
  async put(key: string, body: Uint8Array | string) { this.files.set(key, body); }
  async get(key: string) { const b = this.files.get(key); return b === undefined ? undefined : Buffer.from(b); }
}

const frame = (width: number, height: number, r = 0) => {
  const p = new PNG({ width, height });
  for (let i = 0; i < p.data.length; i += 4) p.data.set([r, 0, 0, 255], i);
  return PNG.sync.write(p);
};
const prefix = "jobs/job-1/render/";

describe("the output recorder", () => {
  it("reports the finished frame over its preview passes, with a 256 px thumbnail beside it, and passes everything through", async () => {
    const store = new MemoryStore();
    const rec = new OutputRecorder(store, prefix);
    await rec.put(`${prefix}preview/frame-0005.png`, frame(640, 360, 10));
    await rec.put(`${prefix}frame-0005.png`, frame(640, 360, 200));
    await rec.put(`${prefix}preview/frame-0006.png`, frame(640, 360, 30));
    await rec.put("jobs/job-1/logs/render/5.log", "a log line");
    const m = await rec.manifest({ frames: [5, 6], quality: null });
    expect(m).toEqual([
      { key: `${prefix}frame-0005.png`, frame: 5, thumbnail: `${prefix}thumbs/frame-0005.png`, preview: false },
      { key: `${prefix}preview/frame-0006.png`, frame: 6, thumbnail: `${prefix}thumbs/preview/frame-0006.png`, preview: true },
    ]);
    const thumb = PNG.sync.read(Buffer.from((await store.get(`${prefix}thumbs/frame-0005.png`))!));
    expect([thumb.width, thumb.height, thumb.data[0]]).toEqual([256, 144, 200]);
    expect(store.files.has(`${prefix}frame-0005.png`)).toBe(true);
    expect(store.files.get("jobs/job-1/logs/render/5.log")).toBe("a log line");
  });

  it("keeps the latest 16 frames of a long chunk, marks a low-quality pass as preview, and lists frames it cannot thumbnail", async () => {
    const store = new MemoryStore();
    const rec = new OutputRecorder(store, prefix);
    const frames = Array.from({ length: 20 }, (_, i) => 101 + i);
    for (const f of frames) await rec.put(`${prefix}shot.${f}.png`, frame(8, 8));
    await rec.put(`${prefix}shot.120.exr`, Buffer.from("an EXR the agent cannot decode"));
    const m = await rec.manifest({ frames, quality: 0.5 });
    expect(m.map((e) => e.frame)).toEqual(frames.slice(4));
    expect(m.every((e) => e.preview)).toBe(true);
    expect(m.at(-1)).toEqual({ key: `${prefix}shot.120.exr`, frame: 120, preview: true });
    expect(m.at(-2)!.thumbnail).toBe(`${prefix}thumbs/shot.119.png`);
  });

  it("reports a PNG it cannot decode without a thumbnail, and says why in the task log", async () => {
    const store = new MemoryStore();
    const lines: string[] = [];
    const rec = new OutputRecorder(store, prefix, (l) => lines.push(l));
    const broken = Buffer.concat([frame(64, 36).subarray(0, 40), Buffer.from("torn")]); // signature and IHDR, then garbage
    await rec.put(`${prefix}frame-0001.png`, broken);
    expect(await rec.manifest({ frames: [1], quality: 1 })).toEqual([{ key: `${prefix}frame-0001.png`, frame: 1, preview: false }]);
    expect([...store.files.keys()].filter((k) => k.includes("thumbs/"))).toEqual([]);
    expect(lines).toEqual([expect.stringMatching(/^no thumbnail of jobs\/job-1\/render\/frame-0001\.png: /)]);
  });

  it("finds the frame in the file name, else the task's only frame, else none", () => {
    expect(frameOf(`${prefix}beauty_v003.0042.png`, [41, 42])).toBe(42);
    expect(frameOf(`${prefix}out.png`, [7])).toBe(7);
    expect(frameOf(`${prefix}out.png`, [7, 8])).toBeUndefined();
  });
});

describe("a terminal report's size", () => {
  const entry = (i: number) => ({ key: `${prefix}${"k".repeat(1000)}.${i}.png`, frame: i, thumbnail: `${prefix}thumbs/${"t".repeat(1000)}.${i}.png`, preview: false });
  const report = (n: number): TerminalReport => ({ taskId: "job-1:render:0", token: "tok", state: "succeeded", endedAt: 1, message: "m".repeat(2000), outputs: Array.from({ length: n }, (_, i) => entry(i)) });
  const bytes = (r: TerminalReport) => Buffer.byteLength(JSON.stringify(r), "utf8");

  it("stays whole under the cap", () => {
    expect(fitReport(report(16))).toEqual(report(16));
  });

  it("drops the oldest manifest entries beyond 160 KB of UTF-8, never the report", () => {
    const big = report(200);
    expect(bytes(big)).toBeGreaterThan(maxReportBytes);
    const fitted = fitReport(big);
    expect(bytes(fitted)).toBeLessThanOrEqual(maxReportBytes);
    expect(bytes(fitted)).toBeGreaterThan(maxReportBytes - 2100);
    expect(fitted.outputs!.at(-1)!.frame).toBe(199);
    expect({ ...fitted, outputs: undefined }).toEqual({ ...big, outputs: undefined });
  });

  it("counts bytes, not characters, and drops the manifest entirely when nothing fits", () => {
    const wide = { ...report(1), message: "é".repeat(2000) };
    expect(fitReport(wide, 4500).outputs).toBeUndefined(); // 4,000 bytes of message + the rest
    expect(fitReport(wide, 4500).message).toBe(wide.message);
    expect(fitReport(wide, 7000).outputs).toHaveLength(1);
  });
});

describe("terminal reports per poll", () => {
  const report = (i: number, kb: number): TerminalReport => ({ taskId: `job-1:render:${i}`, token: `t${i}`, state: "succeeded", endedAt: i, message: "m".repeat(Math.min(2000, kb * 1024)), outputs: kb > 2 ? [{ key: `${prefix}${"k".repeat(kb * 1024 - 2100)}.png`, frame: i, preview: false }] : [] });
  const bytes = (rs: TerminalReport[]) => rs.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r), "utf8"), 0);

  it("sends the oldest first, within 64 tasks and the poll body budget; the rest wait for the next poll", () => {
    const small = Array.from({ length: 70 }, (_, i) => report(i, 1));
    expect(terminalBatch(small, 10).map((r) => r.endedAt)).toEqual(Array.from({ length: 54 }, (_, i) => i));
    const big = Array.from({ length: 5 }, (_, i) => report(i, 60));
    const batch = terminalBatch(big, 0);
    expect(batch.map((r) => r.endedAt)).toEqual([0, 1, 2]);
    expect(bytes(batch)).toBeLessThanOrEqual(terminalBytesPerPoll);
    expect(terminalBatch(big.slice(3), 0).map((r) => r.endedAt)).toEqual([3, 4]);
  });

  it("always sends at least one report, however large (fitReport keeps each under 160 KB)", () => {
    expect(terminalBatch([report(0, 150)], 63)).toHaveLength(1);
    expect(terminalBatch([report(0, 1)], 64)).toEqual([]);
  });
});
