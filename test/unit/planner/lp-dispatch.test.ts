/**
 * Rounding the LP's first slot into assignments (lib/planner/lp/dispatch.ts): the first-frame
 * rule stays inside a deadline bucket, the tail rule, the early look and fresh jobs' first tasks.
 */
import { describe, expect, it } from "vitest";
import { firstFrameFirst } from "../../../lib/planner/lp/dispatch.ts";
import { aJob, aSnapshot, aStep, HOUR, nodes, T0 } from "../../builders/planner.ts";
import { dispatch, farm, member, perJob } from "./lp-dispatch-fixture.ts";

describe("first frame first", () => {
  const snapshot = aSnapshot({
    nodes: nodes("n", 2),
    jobs: [
      aJob("early").due(T0 + 2 * HOUR).steps(aStep("render").tasks(10).pending([3, 9]).done(3)).build(),
      aJob("late-fresh").due(T0 + 6 * HOUR).tasks(10).build(),
      aJob("early-fresh").due(T0 + 2 * HOUR).tasks(10).build(),
    ],
  });

  it("reorders only within a due-slot bucket", () => {
    const f = farm(snapshot, T0);
    const ms = [member(f, "early", 3), member(f, "early-fresh", 3), member(f, "late-fresh", 7)];
    expect(firstFrameFirst(ms).map((m) => m.s.job.id)).toEqual(["early-fresh", "early", "late-fresh"]);
  });

  it("never gives a fresh job due later the slots of work due earlier", () => {
    const f = farm(snapshot, T0);
    const r = dispatch(f, [{ members: [member(f, "early", 3), member(f, "late-fresh", 7)], quota: { 0: 2 } }], { ordered: ["early"] });
    expect(perJob(r)).toEqual({ early: 2 });
  });
});
