import { describe, expect, it } from "vitest";
import { plan, defaultPolicy } from "../../../lib/planner/index.ts";
import { metricsOf, computeBounds, simulate, mulberry32, type Scenario } from "../../../lib/sim/index.ts";
import { queueDepth } from "../../../lib/sim/baselines/queue-depth.ts";
import { HOUR, T0, client, gpuNode, job, node, offer, scenario } from "./tiny.ts";

/** Faults, spread, spot interruptions and a deadline edit: everything random is exercised. */
function noisy(seed: number): Scenario {
  return scenario({
    seed,
    nodes: [node("n1"), node("n2"), node("n3"), gpuNode("g1")],
    clients: [client("A", { cloudAllowed: true, cloudBudgetLeft: 50, guaranteedShare: 0.5 }), client("B", { guaranteedShare: 0.5 })],
    cloudOffers: [offer({ spotInterruptionPerHour: 0.5, bootSec: 120 })],
    faults: { frameErrorRate: 0.1, corruptOutputRate: 0.05, nodeCrashPerHour: 0.2, crashDownSec: 1800 },
    jobs: [
      job({ id: "a", tasks: 12, taskSec: 900, spread: 0.4, due: T0 + 3 * HOUR, cloud: true }),
      job({ id: "b", client: "B", tasks: 8, taskSec: 1200, spread: 0.3, submitAt: T0 + 0.5 * HOUR }),
      job({ id: "g", client: "B", tasks: 4, taskSec: 1800, gpu: true, kind: "render-gpu", due: T0 + 4 * HOUR }),
    ],
    events: [{ at: T0 + HOUR, type: "deadline", jobId: "b", deadlineAt: T0 + 3 * HOUR }],
  });
}

function runBoth(sc: Scenario) {
  return [simulate(sc, queueDepth, defaultPolicy, "queue-depth"), simulate(sc, plan, defaultPolicy, "burstfarm")];
}

describe("determinism", () => {
  it("the same seed gives the very same run, down to the time series", () => {
    const [a1, b1] = runBoth(noisy(11));
    const [a2, b2] = runBoth(noisy(11));
    expect(a2).toEqual(a1);
    expect(b2).toEqual(b1);
    // The run really was noisy, or the comparison proves little.
    expect(a1!.tally.taskErrors + a1!.tally.crashes + a1!.tally.spotInterruptions).toBeGreaterThan(0);
  });

  it("a different seed gives a different run", () => {
    const [a1] = runBoth(noisy(11));
    const [a3] = runBoth(noisy(12));
    expect(a3!.jobs.map((j) => j.finishedAt)).not.toEqual(a1!.jobs.map((j) => j.finishedAt));
  });

  it("metrics are a function of the run", () => {
    const sc = noisy(5);
    const b = computeBounds(sc);
    const [r] = runBoth(sc);
    expect(metricsOf(r!, b)).toEqual(metricsOf(structuredClone(r!), b));
  });

  it("mulberry32 repeats its stream and stays in [0, 1)", () => {
    const x = mulberry32(42), y = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => x.next());
    expect(Array.from({ length: 1000 }, () => y.next())).toEqual(xs);
    expect(xs.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(990);
  });
});
