import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCENARIOS, scenarioInstance } from "../../../lib/sim/index.ts";

describe("bundled scenarios on a fresh clone (no ../shared/data)", () => {
  const saved = process.env.BURSTFARM_SHARED_DATA;
  beforeAll(() => { process.env.BURSTFARM_SHARED_DATA = mkdtempSync(join(tmpdir(), "no-shared-")); });
  afterAll(() => { if (saved === undefined) delete process.env.BURSTFARM_SHARED_DATA; else process.env.BURSTFARM_SHARED_DATA = saved; });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))("%s builds from data/ alone", async (_name, entry) => {
    const sc = await entry.build();
    expect(sc.jobs.length).toBeGreaterThan(0);
    expect(sc.nodes.length).toBeGreaterThan(0);
    expect(sc.tariff?.slots.length).toBeGreaterThan(0);
    const inst = scenarioInstance(sc);
    expect(inst.jobs.length).toBeGreaterThanOrEqual(sc.jobs.length);
  });
});
