/**
 * Rented nodes still booting have paid their boot (lib/planner/lp/model.ts, the start rows): the
 * LP counts them as held from the slot they are ready in, at no second boot. When it charged the
 * boot again, a booting node was no cheaper than a new one for another client, and a re-plan could
 * rent for one client what the other's booting nodes already covered (competing-deadlines: 3 nodes
 * for A and 5 for B at 09:00, then 4 more for A five seconds later).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { HOUR, MIN, T0, aJob, aNode, aSnapshot, anOffer, nodes } from "../../builders/planner.ts";

let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

const offers = [anOffer("c6i.8xlarge", { spotPricePerHour: 0.5, onDemandPricePerHour: 1.36, bootSec: 240 })];

/** Four farm nodes; A and B each with 10-minute work due in 2 h, more than the farm does alone; A's `booting` nodes ready in 2 minutes. */
function snapshot(booting: number) {
  const rented = Array.from({ length: booting }, (_, i) => {
    const n = aNode(`cloud-${i}`).cloud("c6i.8xlarge", "spot", 0.5, "A").status("booting").awaitingFirstTask().build();
    n.readyAt = T0 + 2 * MIN;
    return n;
  });
  return aSnapshot({
    jobs: [aJob("a").forClient("A").due(T0 + 2 * HOUR).tasks(40, 600).build(), aJob("b").forClient("B").due(T0 + 2 * HOUR).tasks(40, 600).build()],
    nodes: [...nodes("n", 4), ...rented],
    cloudOffers: offers,
  });
}

const asked = (booting: number) => {
  const p = plan(snapshot(booting), defaultPolicy, T0, { solver });
  expect(p.planner?.mode, p.planner?.reason).toBe("lp");
  return p.burst.reduce((n, b) => n + b.count, 0);
};

describe("rented nodes still booting", () => {
  it("the work needs rented nodes", () => {
    expect(asked(0)).toBeGreaterThanOrEqual(4);
  });

  it("count toward the need at no second boot: no client rents more once another client's booting nodes cover it", () => {
    expect(asked(asked(0))).toBe(0);
  });
});
