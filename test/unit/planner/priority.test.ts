import { describe, expect, it } from "vitest";
import { defaultPolicy, plan, withPolicy } from "../../../lib/planner/index.ts";
import { HOUR, T0, aJob, aSnapshot, nodes } from "../../builders/planner.ts";

const ranks = (p: ReturnType<typeof plan>) => p.jobs.filter((j) => j.outcome !== "done").map((j) => j.jobId);

describe("deadline priority", () => {
  it("serves the job with the least slack first, whatever the submission order", () => {
    const snap = aSnapshot({
      jobs: [
        aJob("relaxed").due(T0 + 48 * HOUR).tasks(20).submitted(T0 - 2 * HOUR).build(),
        aJob("tight").due(T0 + 3 * HOUR).tasks(20).submitted(T0 - HOUR).build(),
      ],
      nodes: nodes("n", 4),
    });
    const p = plan(snap, defaultPolicy, T0);
    expect(ranks(p)).toEqual(["tight", "relaxed"]);
    // The relaxed job gets only its first frame (an early look); the rest goes to the tight one.
    expect(p.assignments.map((a) => a.jobId).sort()).toEqual(["relaxed", "tight", "tight", "tight"]);
    expect(p.assignments.find((a) => a.jobId === "relaxed")!.reason).toMatch(/^first frame of the job/);
  });

  it("gives every job with nothing rendered yet its first frame before filling the farm in order", () => {
    const started = aJob("started").due(T0 + 3 * HOUR).tasks(20).build();
    started.steps[0]!.doneTasks = 2;
    const snap = aSnapshot({ jobs: [started, aJob("new").due(T0 + 30 * HOUR).tasks(20).build()], nodes: nodes("n", 3) });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.assignments.map((a) => a.jobId).sort()).toEqual(["new", "started", "started"]);
  });

  it("reorders on the next call after a deadline edit", () => {
    const a = aJob("a").due(T0 + 10 * HOUR).tasks(10);
    const b = aJob("b").due(T0 + 20 * HOUR).tasks(10);
    const before = plan(aSnapshot({ jobs: [a.build(), b.build()], nodes: nodes("n", 1) }), defaultPolicy, T0);
    const after = plan(aSnapshot({ jobs: [a.build(), b.due(T0 + 4 * HOUR).build()], nodes: nodes("n", 1) }), defaultPolicy, T0);
    expect(ranks(before)).toEqual(["a", "b"]);
    expect(ranks(after)).toEqual(["b", "a"]);
  });

  it("lets user priority break near-ties, but not override a large slack difference", () => {
    const snap = (pri: number, dueB: number) => aSnapshot({
      jobs: [aJob("a").due(T0 + 10 * HOUR).tasks(10).build(), aJob("b").due(dueB).priority(pri).tasks(10).build()],
      nodes: nodes("n", 1),
    });
    expect(ranks(plan(snap(80, T0 + 10 * HOUR + 600_000), defaultPolicy, T0))[0]).toBe("b");
    expect(ranks(plan(snap(80, T0 + 40 * HOUR), defaultPolicy, T0))[0]).toBe("a");
    // A policy that weighs priority heavily lets it override.
    expect(ranks(plan(snap(80, T0 + 40 * HOUR), withPolicy({ priorityWeightSec: 3 * HOUR / 1000 }), T0))[0]).toBe("b");
  });

  it("breaks exact ties by submission time, then id", () => {
    const jobs = ["c", "a", "b"].map((id) => aJob(id).due(T0 + 5 * HOUR).tasks(5).build());
    expect(ranks(plan(aSnapshot({ jobs, nodes: nodes("n", 1) }), defaultPolicy, T0))).toEqual(["a", "b", "c"]);
    const earlier = [aJob("z").due(T0 + 5 * HOUR).tasks(5).submitted(T0 - 9 * HOUR).build(), ...jobs];
    expect(ranks(plan(aSnapshot({ jobs: earlier, nodes: nodes("n", 1) }), defaultPolicy, T0))[0]).toBe("z");
  });

  it("flags a job at risk when even all allowed capacity cannot make its deadline", () => {
    const snap = aSnapshot({
      jobs: [aJob("doomed").due(T0 + HOUR).tasks(100, 600).noCloud().build(), aJob("fine").due(T0 + 30 * HOUR).tasks(4).build()],
      nodes: nodes("n", 4),
    });
    const p = plan(snap, defaultPolicy, T0);
    const doomed = p.jobs.find((j) => j.jobId === "doomed")!;
    expect(doomed.atRisk).toBe(true);
    expect(doomed.reason).toMatch(/at risk: projected .* against deadline .*cloud not allowed/);
    expect(p.jobs.find((j) => j.jobId === "fine")!.atRisk).toBe(false);
  });
});
