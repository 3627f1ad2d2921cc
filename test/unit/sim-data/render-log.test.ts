import { describe, expect, it } from "vitest";
import {
  bundledRenderLog, loadRenderLog, loadSpotPriceHistory, parseRenderLog, parseSpotPriceHistory, renderTimeSampler,
  renderTimeStats, sharedDataPath, spotPriceAt, dataPath, BUNDLED,
} from "../../../lib/sim/data/index.ts";
import { SHARED, seeded } from "./helpers.ts";

const HEADER = "Job Name,Step Name,Env Name,Action Type,Status,Start Time,Duration (Seconds),Frame (Task Param)";

describe("Deadline Cloud render log", () => {
  const log = bundledRenderLog();
  const seconds = log.samples.map((s) => s.seconds);

  it("has 150 taskRun samples, one per frame 1..150", () => {
    expect(log.samples).toHaveLength(150);
    expect(log.samples.map((s) => s.frame!).sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(log.samples[0]).toEqual({
      job: "Blender Car Render", step: "RenderBlender", frame: 1, seconds: 123.64099999999999,
      startAt: Date.UTC(2024, 2, 28, 18, 43, 40), status: "SUCCEEDED",
    });
  });

  it("counts the other session actions for overhead modelling", () => {
    expect(Object.keys(log.otherActions).sort()).toEqual(["envEnter", "envExit", "syncInputJobAttachments"]);
    expect(log.otherActions.envEnter!.count).toBe(150);
    expect(log.otherActions.envEnter!.totalSeconds).toBeCloseTo(1532.255, 3);
  });

  it("summarises per-frame times: mean 123.26 s, median 123.59, p90 126.57, CV 2.3%", () => {
    const s = renderTimeStats(seconds);
    expect(s.count).toBe(150);
    expect(s.mean).toBeCloseTo(123.2559867, 5);
    expect(s.median).toBeCloseTo(123.586, 5);
    expect(s.p90).toBeCloseTo(126.5666, 4);
    expect(s.cv).toBeCloseTo(0.0233016, 5);
    expect([s.min, s.max]).toEqual([112.606, 129.013]);
  });

  it("computes stats a hand can check", () => {
    expect(renderTimeStats([1, 2, 3, 4])).toMatchObject({ mean: 2.5, median: 2.5, p90: 3.7, min: 1, max: 4 });
    expect(renderTimeStats([1, 2, 3, 4]).cv).toBeCloseTo(Math.sqrt(5 / 3) / 2.5, 12);
    expect(() => renderTimeStats([])).toThrow("seconds: no samples");
  });

  it("samples observed durations reproducibly from a seeded rng", () => {
    const a = renderTimeSampler(seconds, seeded(7));
    const b = renderTimeSampler(seconds, seeded(7));
    const drawsA = Array.from({ length: 200 }, a);
    expect(Array.from({ length: 200 }, b)).toEqual(drawsA);
    const observed = new Set(seconds);
    for (const d of drawsA) expect(observed.has(d)).toBe(true);
    expect(new Set(drawsA).size).toBeGreaterThan(50);
    const c = Array.from({ length: 200 }, renderTimeSampler(seconds, seeded(8)));
    expect(c).not.toEqual(drawsA);
  });

  it("rescales to a requested mean keeping the shape", () => {
    const draw = renderTimeSampler(seconds, seeded(1), { scaleToMean: 60 });
    const draws = Array.from({ length: 4000 }, draw);
    const s = renderTimeStats(draws);
    expect(s.mean).toBeGreaterThan(59);
    expect(s.mean).toBeLessThan(61);
    expect(s.cv).toBeCloseTo(renderTimeStats(seconds).cv, 2);
  });

  it("rejects a bad rng value and an empty pool", () => {
    expect(() => renderTimeSampler(seconds, () => 1)()).toThrow("rng: must return a number in [0, 1), got 1");
    expect(() => renderTimeSampler([], Math.random)).toThrow("no samples to draw from");
  });

  it("handles quoted commas, and names missing columns and bad durations", () => {
    const ok = parseRenderLog(`${HEADER}\n"Shot, 10",Render,,taskRun,SUCCEEDED,2024-01-01T00:00:00Z,5,7`);
    expect(ok.samples[0]).toMatchObject({ job: "Shot, 10", frame: 7, seconds: 5 });
    expect(() => parseRenderLog("Job Name,Status\nx,y", "log.csv")).toThrow('log.csv: header has no "Step Name" column');
    expect(() => parseRenderLog(`${HEADER}\nj,s,,taskRun,SUCCEEDED,2024-01-01T00:00:00Z,-3,1`, "log.csv")).toThrow('log.csv: line 2: bad "Duration (Seconds)" "-3"');
    expect(() => parseRenderLog(`${HEADER}\nj,s,,taskRun,SUCCEEDED,soon,3,1`, "log.csv")).toThrow('line 2: bad "Start Time" "soon"');
  });

  it.skipIf(!SHARED)("reads the shared original the same", () => {
    expect(loadRenderLog(sharedDataPath("traces/deadline-cloud/render_times.csv"))).toEqual(log);
  });
});

describe("DescribeSpotPriceHistory", () => {
  const h = loadSpotPriceHistory(dataPath(BUNDLED.spotPriceHistoryM5Large));

  it("reads 250 m5.large points over five AZs, oldest first", () => {
    expect(h).toHaveLength(250);
    expect(new Set(h.map((p) => p.availabilityZone)).size).toBe(5);
    for (let i = 1; i < h.length; i++) expect(h[i]!.at).toBeGreaterThanOrEqual(h[i - 1]!.at);
    expect(h.at(-1)).toEqual({
      availabilityZone: "us-east-1f", instanceType: "m5.large", productDescription: "Linux/UNIX",
      pricePerHour: 0.0437, at: Date.parse("2021-02-09T01:40:10+00:00"),
    });
  });

  it("gives the price in force at an instant per AZ", () => {
    const last = h.at(-1)!;
    expect(spotPriceAt(h, "us-east-1f", last.at)).toBe(0.0437);
    expect(spotPriceAt(h, "us-east-1f", h[0]!.at - 1)).toBeNull();
  });

  it("names a bad price", () => {
    const bad = JSON.stringify({ SpotPriceHistory: [{ SpotPrice: "cheap", Timestamp: "2021-01-01T00:00:00Z" }] });
    expect(() => parseSpotPriceHistory(bad)).toThrow('SpotPriceHistory[0].SpotPrice: not a number: "cheap"');
  });
});
