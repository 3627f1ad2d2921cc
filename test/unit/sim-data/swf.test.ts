import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  SWF_FIELDS, bundledLcgSlice, dataPath, formatSwfJob, parseSwf, readSwfFile, sharedDataPath, type SwfTrace,
} from "../../../lib/sim/data/index.ts";
import { SHARED } from "./helpers.ts";

const FIRST_LCG_JOB = {
  jobNumber: 1, submitTime: 0, waitTime: -1, runTime: 83, allocatedProcs: 1, avgCpuTime: -1, usedMemoryKB: -1,
  requestedProcs: -1, requestedTime: 1200, requestedMemoryKB: -1, status: -1, userId: 1, groupId: 1,
  executable: -1, queue: -1, partition: 1, precedingJob: -1, thinkTime: -1,
};

const SAMPLE = [
  "; Version: 2.2",
  "; UnixStartTime: 1000",
  "; MaxProcs: 64",
  "; Partition: 1 a",
  "; Partition: 2 b",
  "1 0 5 100 4 -1 -1 4 200 -1 1 7 1 -1 -1 1 -1 -1",
  "2 10 -1 50 1 -1 -1 -1 60 -1 0 7 1 -1 -1 2 -1 -1",
  "3 20 -1 50 1 -1 -1",
  "4 30 -1 abc 1 -1 -1 -1 60 -1 0 7 1 -1 -1 2 -1 -1",
  "",
  "5 40 -1 12.5 1 -1 -1 -1 60 -1 5 8 1 -1 -1 2 -1 -1",
].join("\n");

describe("SWF parser", () => {
  it("reads header keys, typed numbers and repeated keys", () => {
    const t = parseSwf(SAMPLE);
    expect(t.header).toMatchObject({ unixStartTime: 1000, maxProcs: 64, maxNodes: null });
    expect(t.header.fields.filter((f) => f.key === "Partition").map((f) => f.value)).toEqual(["1 a", "2 b"]);
  });

  it("keeps good records, counts bad lines with line number and reason", () => {
    const t = parseSwf(SAMPLE);
    expect(t.jobs.map((j) => j.jobNumber)).toEqual([1, 2, 5]);
    expect(t.jobs[2]!.runTime).toBe(12.5);
    expect(t.jobs[0]).toMatchObject({ waitTime: 5, requestedProcs: 4, status: 1, userId: 7 });
    expect(t.badLines).toBe(2);
    expect(t.badLineSamples).toEqual([
      { line: 8, text: "3 20 -1 50 1 -1 -1", problem: "expected 18 fields, got 7" },
      { line: 9, text: expect.stringContaining("abc"), problem: "field 4 (runTime) is not a number" },
    ]);
  });

  it("rejects a line with more than 18 fields", () => {
    const t = parseSwf("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19");
    expect(t.jobs).toHaveLength(0);
    expect(t.badLineSamples[0]!.problem).toBe("expected 18 fields, got 19");
  });

  it("stops at a job limit and reads gzip Buffers", () => {
    const t = parseSwf(gzipSync(SAMPLE), { limit: 1 });
    expect(t.jobs).toHaveLength(1);
  });

  it("writes a job back as the same 18 fields", () => {
    const t = parseSwf(SAMPLE);
    expect(parseSwf(formatSwfJob(t.jobs[0]!)).jobs[0]).toEqual(t.jobs[0]);
    expect(SWF_FIELDS).toHaveLength(18);
  });

  it("streams a plain file and reports a corrupt gzip as a read failure", async () => {
    const dir = mkdtempSync(join(tmpdir(), "swf-"));
    writeFileSync(join(dir, "t.swf"), SAMPLE);
    expect((await readSwfFile(join(dir, "t.swf"))).jobs).toHaveLength(3);
    writeFileSync(join(dir, "t.swf.gz"), Buffer.concat([gzipSync(SAMPLE).subarray(0, 40), Buffer.from("garbage")]));
    await expect(readSwfFile(join(dir, "t.swf.gz"))).rejects.toThrow(/t\.swf\.gz: read failed/);
    rmSync(dir, { recursive: true });
  });

  it("names a missing file", async () => {
    await expect(readSwfFile(dataPath("traces/none.swf"))).rejects.toThrow(/none\.swf: file not found/);
  });
});

describe("bundled LCG slice", () => {
  let slice: SwfTrace;
  beforeAll(async () => { slice = await bundledLcgSlice(); });

  it("holds the first 5,000 LCG jobs with the original header", () => {
    expect(slice.jobs).toHaveLength(5000);
    expect(slice.badLines).toBe(0);
    expect(slice.jobs[0]).toEqual(FIRST_LCG_JOB);
    expect(slice.jobs[4999]).toMatchObject({ jobNumber: 5000, submitTime: 36151, runTime: 140, partition: 20 });
    expect(slice.header).toMatchObject({ unixStartTime: 1132444805, maxProcs: 24515, timeZoneString: "Europe/London" });
    expect(slice.header.fields.some((f) => f.key === "Note" && f.value.includes("first 5000 jobs"))).toBe(true);
  });

  it("streams with a limit", async () => {
    const t = await bundledLcgSlice({ limit: 10 });
    expect(t.jobs.map((j) => j.jobNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe.skipIf(!SHARED)("full LCG trace (shared original, 188k jobs)", () => {
  let full: SwfTrace;
  beforeAll(async () => { full = await readSwfFile(sharedDataPath("traces/pwa/LCG.swf.gz")); });

  it("reads all 188,041 jobs with no bad lines", () => {
    expect(full.jobs).toHaveLength(188041);
    expect(full.header.maxJobs).toBe(188041);
    expect(full.badLines).toBe(0);
    expect(full.header.fields.filter((f) => f.key === "Partition")).toHaveLength(170);
  });

  it("has the known first and last records", () => {
    expect(full.jobs[0]).toEqual(FIRST_LCG_JOB);
    expect(full.jobs.at(-1)).toMatchObject({ jobNumber: 188041, submitTime: 950392, runTime: 11499, requestedTime: 14400, userId: 190, partition: 76 });
  });

  it("matches the bundled slice job for job", async () => {
    const slice = await bundledLcgSlice();
    expect(full.jobs.slice(0, 5000)).toEqual(slice.jobs);
  });
});
