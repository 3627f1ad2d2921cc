import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { run } from "../../../lib/cli/sim-command.ts";
import { checkInstance } from "../../../lib/planner/bounds/prepare.ts";
import { POLICY_NAMES, SCENARIOS } from "../../../lib/sim/index.ts";

let out: string[];
let err: string[];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s) => { out.push(String(s)); return true; });
  vi.spyOn(process.stderr, "write").mockImplementation((s) => { err.push(String(s)); return true; });
});
afterEach(() => vi.restoreAllMocks());

const dir = mkdtempSync(join(tmpdir(), "burstfarm-sim-"));
const REQUIRED = ["scenario", "policy", "jobs", "misses", "avoidable_misses", "utilization", "energy_cost", "energy_cost_lb", "cloud_cost", "cloud_cost_lb", "preview_latency_pct", "guarantee_violation_min"];

describe("burstfarm sim CLI", () => {
  it("--list prints one scenario per line, name first", async () => {
    expect(await run(["--list"])).toBe(0);
    const lines = out.join("").trim().split("\n");
    expect(lines.map((l) => l.split("\t")[0])).toEqual(SCENARIOS.map((s) => s.name));
    expect(lines.length).toBeGreaterThanOrEqual(10);
  });

  it("--scenario NAME --json prints one JSON object per policy with the required fields", async () => {
    expect(await run(["--scenario", "deadline-change", "--policies", "fifo,edf", "--no-specialization", "--json"])).toBe(0);
    const rows = out.join("").trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.map((r) => r.policy)).toEqual(["fifo", "edf"]);
    for (const r of rows) {
      for (const k of REQUIRED) expect(r).toHaveProperty(k);
      expect(r.scenario).toBe("deadline-change");
      expect(r.jobs).toBe(3);
    }
  });

  it("--trace replays an SWF file with deadlines from requested times", async () => {
    const swf = join(dir, "tiny.swf");
    writeFileSync(swf, [
      "; UnixStartTime: 0", "; Installation: test",
      "1 0 -1 3600 1 -1 -1 1 7200 -1 1 1 1 -1 -1 1 -1 -1",
      "2 60 -1 1800 2 -1 -1 2 3600 -1 1 2 1 -1 -1 1 -1 -1",
      "3 120 -1 600 1 -1 -1 1 -1 -1 1 3 1 -1 -1 1 -1 -1", "",
    ].join("\n"));
    expect(await run(["--trace", swf, "--policies", "edf", "--json"])).toBe(0);
    const row = JSON.parse(out.join("").trim());
    expect(row).toMatchObject({ scenario: "trace:tiny.swf", policy: "edf", jobs: 3, misses: 0 });
  });

  it("--export-instance writes a well-formed bounds instance", async () => {
    const file = join(dir, "inst.json");
    expect(await run(["--scenario", "delivery-burst", "--export-instance", file])).toBe(0);
    const inst = JSON.parse(readFileSync(file, "utf8"));
    expect(() => checkInstance(inst)).not.toThrow();
    expect(inst.jobs.map((j: { id: string }) => j.id)).toEqual(["BK", "BK2", "DL"]);
    expect(inst.classes.some((c: { cloud_price_per_node_hour: number | null }) => c.cloud_price_per_node_hour !== null)).toBe(true);
  });

  it("--report writes the HTML file with its charts", async () => {
    const file = join(dir, "r.html");
    expect(await run(["--scenario", "deadline-change", "--policies", "edf", "--no-specialization", "--report", file])).toBe(0);
    const html = readFileSync(file, "utf8");
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(4);
    expect(html).toContain("Scenario: deadline-change");
  });

  it("rejects unknown policies and options with a message naming them", async () => {
    expect(await run(["--scenario", "deadline-change", "--policies", "sjf"])).toBe(2);
    expect(err.join("")).toMatch(/policy: unknown "sjf"/);
    expect(await run(["--frobnicate"])).toBe(2);
    expect(err.join("")).toMatch(/unknown option "--frobnicate"/);
    expect(POLICY_NAMES).toHaveLength(9);
  });
});
