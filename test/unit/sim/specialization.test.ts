import { describe, expect, it } from "vitest";
import { highsSolver } from "../../../lib/sim/bounds/highs-solver.ts";
import { backlogOf, lpBacklogMakespanH } from "../../../lib/sim/specialization.ts";
import { HOUR, T0, client, gpuNode, job, node, offer, scenario } from "./tiny.ts";

describe("specialization on a fixed backlog", () => {
  const sc = scenario({
    nodes: [node("cpu1"), gpuNode("gpu1", { speed: { "render-cpu": 0.5 } })],
    clients: [client("A", { cloudAllowed: true, cloudBudgetLeft: 10 })], cloudOffers: [offer()],
    jobs: [job({ id: "a", tasks: 4, taskSec: 3600, submitAt: T0 + HOUR, due: T0 + 3 * HOUR, cloud: true })],
  });

  it("releases every job at the start, without deadlines or cloud on either side", () => {
    const b = backlogOf(sc);
    expect(b.cloudOffers).toEqual([]);
    expect(b.jobs[0]).toMatchObject({ submitAt: T0, job: { submittedAt: T0, deadlineAt: null, cloudAllowed: false } });
  });

  it("the LP's least makespan places work by speed", () => {
    // 4 node-hours on cpu1 (speed 1) or 8 on gpu1 (speed 0.5): T/4 + T/8 = 1 → T = 8/3 h.
    expect(lpBacklogMakespanH(sc, highsSolver)).toBeCloseTo(8 / 3, 6);
  });

  it("counts a node only in hours it is up: a failure both arms live through bounds the best too", () => {
    // cpu1 down for hours 0-2: gpu1 alone does 2 node-hours (1 ref-hour) by then; the remaining 3 at 1 + 0.5 per hour take 2 h.
    const down = { ...sc, events: [{ at: T0, type: "crash" as const, nodeId: "cpu1", downSec: 2 * 3600 }] };
    expect(lpBacklogMakespanH(down, highsSolver)).toBeCloseTo(4, 6);
  });
});
