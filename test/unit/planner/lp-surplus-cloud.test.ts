/**
 * Rented nodes the LP no longer wants (lib/planner/lp/surplus-cloud.ts): a node rented for one
 * deadline is not kept busy with work the farm does in time; idle ones are released at once, busy
 * ones get no new work (near a deadline too), and nodes the LP still rents are kept. A rented node
 * that has run no task yet is never surplus: releasing it would have paid its boot for nothing.
 * Of the held nodes the LP keeps for work it plans now, idle ones come before busy ones.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { HOUR, MIN, T0, aJob, aNode, aSnapshot, aStep, anOffer, nodes } from "../../builders/planner.ts";

let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

const offers = [anOffer("c6i.8xlarge", { spotPricePerHour: 0.5, onDemandPricePerHour: 1.36 })];
/** Three rented nodes of client A, idle for a minute (under the 5-minute idle release). */
const rented = (ids: string[]) => ids.map((id) => aNode(id).cloud("c6i.8xlarge", "spot", 0.5, "A").idleSince(T0 - MIN).build());

describe("surplus rented nodes", () => {
  it("releases idle rented nodes the LP does not rent when the farm meets the deadline alone, and gives them no work", () => {
    // 40 × 10 min on 4 nodes = 1h40m; the deadline is 10 h away: no cloud needed.
    const snap = aSnapshot({ jobs: [aJob("j").due(T0 + 10 * HOUR).tasks(40, 600).build()], nodes: [...nodes("n", 4), ...rented(["c1", "c2", "c3"])], cloudOffers: offers });
    const p = plan(snap, defaultPolicy, T0, { solver });
    expect(p.planner?.mode, p.planner?.reason).toBe("lp");
    expect(p.assignments.filter((a) => a.nodeId.startsWith("c"))).toEqual([]);
    expect(p.assignments.length).toBeGreaterThan(0);
    const released = p.nodeActions.filter((a) => a.action === "release").map((a) => a.nodeId).sort();
    expect(released).toEqual(["c1", "c2", "c3"]);
    expect(p.burst).toEqual([]);
  });

  it("releases them near a deadline too when the farm alone meets it: the LP's margin, not the rented nodes, absorbs the rounding", () => {
    // 12 × 10 min on 4 nodes = 30 min, due in 1h30m: the farm alone makes it, though the deadline is near.
    const snap = aSnapshot({ jobs: [aJob("j").due(T0 + 90 * MIN).tasks(12, 600).build()], nodes: [...nodes("n", 4), ...rented(["c1", "c2", "c3"])], cloudOffers: offers });
    const p = plan(snap, defaultPolicy, T0, { solver });
    expect(p.planner?.mode, p.planner?.reason).toBe("lp");
    expect(p.burst).toEqual([]);
    expect(p.assignments.filter((a) => a.nodeId.startsWith("c"))).toEqual([]);
    expect(p.nodeActions.filter((a) => a.action === "release").map((a) => a.nodeId).sort()).toEqual(["c1", "c2", "c3"]);
  });

  it("keeps just-booted rentals that have run no task and feeds them, though the farm has caught up during their boot", () => {
    // Rented for an urgent job; by the time they are ready the farm alone makes its deadline (as in the local farm).
    const fresh = ["c1", "c2"].map((id) => aNode(id).cloud("c6i.8xlarge", "spot", 0.5, "A").idleSince(T0 - 10_000).awaitingFirstTask().build());
    const snap = aSnapshot({ jobs: [aJob("j").due(T0 + 90 * MIN).tasks(12, 600).build()], nodes: [...nodes("n", 4), ...fresh, ...rented(["c3"])], cloudOffers: offers });
    const p = plan(snap, defaultPolicy, T0, { solver });
    expect(p.planner?.mode, p.planner?.reason).toBe("lp");
    expect(p.burst).toEqual([]);
    // The node that has worked goes; the two whose boot bought nothing yet each get a task.
    expect(p.nodeActions.filter((a) => a.action === "release").map((a) => a.nodeId)).toEqual(["c3"]);
    expect(p.assignments.filter((a) => a.nodeId.startsWith("c")).map((a) => a.nodeId).sort()).toEqual(["c1", "c2"]);
  });

  it("keeps rented nodes the LP still rents for a deadline the farm cannot meet alone", () => {
    // 200 × 10 min on 4 nodes = 8h20m; due in 4 h: the LP rents at least the three held.
    const snap = aSnapshot({ jobs: [aJob("j").due(T0 + 4 * HOUR).tasks(200, 600).build()], nodes: [...nodes("n", 4), ...rented(["c1", "c2", "c3"])], cloudOffers: offers });
    const p = plan(snap, defaultPolicy, T0, { solver });
    expect(p.planner?.mode, p.planner?.reason).toBe("lp");
    expect(p.nodeActions.filter((a) => a.action === "release")).toEqual([]);
    expect(new Set(p.assignments.filter((a) => a.nodeId.startsWith("c")).map((a) => a.nodeId))).toEqual(new Set(["c1", "c2", "c3"]));
  });

  it("keeps an idle rented node for the work the LP plans now, not a busy one, so the last task starts at once", () => {
    // One task of 30 min left, due in an hour, no farm: the LP rents one node now. c1 is busy with the
    // job's other task (its estimate says 5 more minutes, as peak-exhaustion's J23 went on 23 minutes more);
    // keeping c1 and releasing the idle c2 and c3 left the task waiting on c1's overrun and the job late.
    const busy = aNode("c1").cloud("c6i.8xlarge", "spot", 0.5, "A").running({ jobId: "j", taskIndex: 0, expectedEndAt: T0 + 5 * MIN }).build();
    const job = aJob("j").due(T0 + HOUR).steps(aStep("render").tasks(2, 1800).pending([1, 1]).running(1)).build();
    const snap = aSnapshot({ jobs: [job], nodes: [busy, ...rented(["c2", "c3"])], cloudOffers: offers });
    const p = plan(snap, defaultPolicy, T0, { solver });
    expect(p.planner?.mode, p.planner?.reason).toBe("lp");
    expect(p.burst).toEqual([]);
    expect(p.assignments.map((a) => [a.nodeId, a.taskIndex, a.queued])).toEqual([["c2", 1, false]]);
    expect(p.nodeActions.filter((a) => a.action === "release").map((a) => a.nodeId)).toEqual(["c3"]);
  });

  it("far from the deadline releases the idle rented nodes first: the work can wait for the busy one (client-conflict's tail)", () => {
    // The same farm, the job due in 10 h: a wait for c1 costs no deadline, so keeping an idle node for a fresh task buys nothing.
    const busy = aNode("c1").cloud("c6i.8xlarge", "spot", 0.5, "A").running({ jobId: "j", taskIndex: 0, expectedEndAt: T0 + 5 * MIN }).build();
    const job = aJob("j").due(T0 + 10 * HOUR).steps(aStep("render").tasks(2, 1800).pending([1, 1]).running(1)).build();
    const snap = aSnapshot({ jobs: [job], nodes: [busy, ...rented(["c2", "c3"])], cloudOffers: offers });
    const p = plan(snap, defaultPolicy, T0, { solver });
    expect(p.planner?.mode, p.planner?.reason).toBe("lp");
    expect(p.nodeActions.filter((a) => a.action === "release").map((a) => a.nodeId)).toEqual(["c2", "c3"]);
  });
});

