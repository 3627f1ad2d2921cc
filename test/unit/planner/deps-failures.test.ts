import { describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import { HOUR, T0, aJob, aSnapshot, aStep, nodes } from "../../builders/planner.ts";

describe("dependencies", () => {
  it("holds a job until the job it depends on is done, and a step until its step is done", () => {
    const snap = aSnapshot({
      jobs: [
        aJob("comp").dependsOn("render").tasks(5).build(),
        aJob("render").steps(aStep("sim").tasks(2), aStep("light").after("sim").tasks(4)).build(),
      ],
      nodes: nodes("n", 8),
    });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.assignments.map((a) => `${a.jobId}/${a.stepName}`)).toEqual(["render/sim", "render/sim"]);
    expect(p.jobs.find((j) => j.jobId === "comp")).toMatchObject({ outcome: "waiting", reason: "waiting for job render (6 tasks left)" });
  });

  it("rejects a cycle and names it", () => {
    const snap = aSnapshot({ jobs: [aJob("a").dependsOn("b").build(), aJob("b").dependsOn("c").build(), aJob("c").dependsOn("a").build(), aJob("free").tasks(1).build()], nodes: nodes("n", 4) });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.warnings).toEqual(["dependency cycle: jobs a → b → c → a"]);
    expect(p.jobs.find((j) => j.jobId === "a")).toMatchObject({ outcome: "unplaceable", reason: "unplaceable: dependency cycle: jobs a → b → c → a" });
    expect(p.assignments.map((a) => a.jobId)).toEqual(["free"]);
    const steps = aSnapshot({ jobs: [aJob("s").steps(aStep("x").after("y"), aStep("y").after("x")).build()], nodes: nodes("n", 1) });
    expect(plan(steps, defaultPolicy, T0).jobs[0]!.reason).toBe("unplaceable: dependency cycle: steps x → y → x in job s");
  });

  it("lets a prerequisite inherit its dependent's urgency (no priority inversion)", () => {
    const snap = aSnapshot({
      jobs: [
        aJob("middle").due(T0 + 8 * HOUR).tasks(10).build(),
        aJob("prereq").tasks(10).priority(10).build(),
        aJob("urgent").dependsOn("prereq").due(T0 + 6 * HOUR).priority(90).tasks(10).build(),
      ],
      nodes: nodes("n", 2),
    });
    const p = plan(snap, defaultPolicy, T0);
    expect(p.jobs[0]!.jobId).toBe("prereq");
    expect(p.jobs[0]!.effectiveDeadlineAt).toBeLessThan(T0 + 6 * HOUR);
    // The middle job gets its first frame only; the low-priority prerequisite gets the rest.
    expect(p.assignments.map((a) => a.jobId).sort()).toEqual(["middle", "prereq"]);
    const more = plan(aSnapshot({ ...snap, nodes: nodes("n", 5) }), defaultPolicy, T0);
    expect(more.assignments.filter((a) => a.jobId === "prereq")).toHaveLength(4);
  });
});

describe("failures", () => {
  it("stops retrying a task after the retry limit, and reports it", () => {
    const job = aJob("j").steps(aStep("render").tasks(3).failed({ 0: 3, 1: 2 })).build();
    const p = plan(aSnapshot({ jobs: [job], nodes: nodes("n", 5) }), defaultPolicy, T0);
    expect(p.assignments.map((a) => a.taskIndex).sort()).toEqual([1, 2]);
    const onlyDead = aJob("d").steps(aStep("render").tasks(1).failed({ 0: 3 })).build();
    expect(plan(aSnapshot({ jobs: [onlyDead], nodes: nodes("n", 1) }), defaultPolicy, T0).jobs[0]).toMatchObject({ outcome: "failed", reason: "failed: 1 task(s) failed every retry" });
  });

  it("fails a job at its error limit", () => {
    const p = plan(aSnapshot({ jobs: [aJob("j").errors(100).tasks(10).build()], nodes: nodes("n", 2) }), defaultPolicy, T0);
    expect(p.assignments).toEqual([]);
    expect(p.jobs[0]).toMatchObject({ outcome: "failed", reason: "failed: 100 errors reached the job limit of 100" });
  });

  it("holds dependent steps while a prerequisite step has exhausted tasks", () => {
    const job = aJob("j").steps(aStep("a").tasks(2).pending([1, 1]).done(1).failed({ 1: 3 }), aStep("b").after("a").tasks(2)).build();
    const p = plan(aSnapshot({ jobs: [job], nodes: nodes("n", 2) }), defaultPolicy, T0);
    expect(p.assignments).toEqual([]);
    expect(p.jobs[0]!.reason).toContain('step "a" has 1 task(s) that failed every retry');
  });
});
