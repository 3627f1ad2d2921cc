import { describe, expect, it } from "vitest";
import { renderReport, runScenario } from "../../../lib/sim/index.ts";
import { HOUR, T0, client, job, node, scenario } from "./tiny.ts";

describe("HTML report", () => {
  it("holds the comparison table, the bounds and the four kinds of chart, with no scripts", () => {
    const sc = scenario({
      nodes: [node("n1"), node("n2")], clients: [client("A"), client("B")], endAt: T0 + 6 * HOUR,
      jobs: [job({ id: "j1", tasks: 4, taskSec: 1800, due: T0 + 2 * HOUR }), job({ id: "j2", client: "B", tasks: 2, taskSec: 3600, due: T0 + HOUR })],
    });
    const html = renderReport(runScenario(sc, { policies: ["fifo", "edf"], specialization: false }));
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html.match(/<tr/g)!.length).toBe(3);
    expect(html).toContain("<td>fifo</td>");
    expect(html).toContain("<td>edf</td>");
    for (const title of ["On-prem utilization", "Cumulative cost", "Jobs under fifo", "Jobs under edf", "On-prem power against the tariff"]) {
      expect(html).toContain(title);
    }
    expect(html.match(/<svg/g)!.length).toBe(5);
    // j2 (2 node-hours due in 1 h on 2 nodes… with j1 ahead under fifo) is drawn late.
    expect(html).toContain("j2 (late)");
  });

  it("adds the targets block when our planner is in the run", () => {
    const sc = scenario({ nodes: [node("n1")], endAt: T0 + 4 * HOUR, jobs: [job({ id: "j", tasks: 2, taskSec: 1800, due: T0 + 3 * HOUR })] });
    const html = renderReport(runScenario(sc, { policies: ["burstfarm", "burstfarm-no-tariff", "edf"], specialization: false }));
    expect(html).toContain("Targets (burstfarm)");
    expect(html).toMatch(/<td>misses<\/td><td[^>]*>ok 0 vs EDF 0 \(local only\)<\/td>/);
  });
});

describe("timeline chart", () => {
  it("keeps bars visible on large job sets", async () => {
    const { timeline } = await import("../../../lib/sim/report/svg.ts");
    const jobs = Array.from({ length: 70 }, (_, i) => ({ id: `j${i}`, submittedAt: T0, firstStartAt: T0 + 60_000 * i, finishedAt: T0 + HOUR + 60_000 * i, deadlineAt: T0 + 2 * HOUR, late: i > 60 }));
    const svg = timeline("t", jobs, T0, T0 + 3 * HOUR);
    expect(svg).not.toMatch(/height="0"/);
    expect(svg.match(/class="late"/g)!.length).toBe(9);
    expect(svg.match(/class="run"/g)!.length).toBe(61);
  });
});
