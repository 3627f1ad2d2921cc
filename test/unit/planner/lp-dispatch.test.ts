/**
 * Rounding the LP's first slot into assignments (lib/planner/lp/dispatch.ts): the first-frame
 * rule stays inside a deadline bucket, the tail rule, the early look and fresh jobs' first tasks.
 */
import { describe, expect, it } from "vitest";
import { firstFrameFirst } from "../../../lib/planner/lp/dispatch.ts";
import { aJob, aNode, aSnapshot, aStep, HOUR, MIN, nodes, T0 } from "../../builders/planner.ts";
import { classOf, dispatch, farm, member, perJob } from "./lp-dispatch-fixture.ts";

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

describe("tail-task rule", () => {
  // The slow node finishes a 30-minute task in 60 minutes, after the 40-minute deadline; the fast one in 15.
  const shot = (fastFreesAt: number, tasks = 1) => aSnapshot({
    nodes: [
      aNode("slow").speed("render-cpu", 0.5).build(),
      aNode("fast").speed("render-cpu", 2).running({ jobId: "other", expectedEndAt: fastFreesAt }).build(),
    ],
    jobs: [aJob("tail").due(T0 + 40 * MIN).tasks(tasks, 1800).build()],
  });

  it("skips a node that would finish the last task after the deadline when a busy node freeing within 60 s finishes it sooner", () => {
    const f = farm(shot(T0 + 30_000), T0);
    const r = dispatch(f, [{ members: [member(f, "tail", 1)], quota: { [classOf(f, "slow")]: 1 } }]);
    expect(r.assignments.filter((a) => a.nodeId === "slow")).toEqual([]);
  });

  it("uses the slow node when the faster one frees later than 60 s", () => {
    const f = farm(shot(T0 + 5 * MIN), T0);
    const r = dispatch(f, [{ members: [member(f, "tail", 1)], quota: { [classOf(f, "slow")]: 1 } }]);
    expect(r.assignments.map((a) => a.nodeId)).toEqual(["slow"]);
  });

  it("uses the slow node when the job has more tasks left than the faster pools can take", () => {
    const f = farm(shot(T0 + 30_000, 2), T0);
    const r = dispatch(f, [{ members: [member(f, "tail", 1)], quota: { [classOf(f, "slow")]: 1 } }]);
    expect(r.assignments.map((a) => a.nodeId)).toEqual(["slow"]);
  });

  it("skips the slow node for a free faster node in a pool outside the LP's quota, which then takes the task", () => {
    const f = farm(aSnapshot({
      nodes: [aNode("slow").speed("render-cpu", 0.5).build(), aNode("fast").speed("render-cpu", 2).build()],
      jobs: [aJob("tail").due(T0 + 40 * MIN).tasks(1, 1800).build()],
    }), T0);
    const r = dispatch(f, [{ members: [member(f, "tail", 1)], quota: { [classOf(f, "slow")]: 1 } }]);
    expect(r.assignments.map((a) => a.nodeId)).toEqual(["fast"]);
  });
});
