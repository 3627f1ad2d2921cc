import { describe, expect, it } from "vitest";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import { TaskCursor, taskOrder } from "../../../lib/planner/preview/order.ts";
import { T0, aJob, aSnapshot, aStep, nodes } from "../../builders/planner.ts";

describe("progressive results", () => {
  it("orders frames first, last, middle, then by bisection", () => {
    expect([...taskOrder([{ from: 0, to: 8 }], 9, true)]).toEqual([0, 8, 4, 2, 6, 1, 3, 5, 7]);
    expect([...taskOrder([{ from: 0, to: 4 }], 5, false)]).toEqual([0, 1, 2, 3, 4]);
  });

  it("skips frames that are done or running, lazily", () => {
    expect([...taskOrder([{ from: 3, to: 5 }, { from: 8, to: 8 }], 9, true)]).toEqual([8, 4, 3, 5]);
    const it100k = taskOrder([{ from: 0, to: 99_999 }], 100_000, true);
    expect([it100k.next().value, it100k.next().value, it100k.next().value]).toEqual([0, 99_999, 49_999]);
  });

  it("walks the same order one index at a time without a generator (TaskCursor: -1 when done)", () => {
    const walk = (c: TaskCursor) => { const out: number[] = []; for (let i = c.next(); i >= 0; i = c.next()) out.push(i); return [out, c.next()]; };
    expect(walk(new TaskCursor([{ from: 3, to: 5 }, { from: 8, to: 8 }], 9, true))).toEqual([[8, 4, 3, 5], -1]);
    expect(walk(new TaskCursor([{ from: 1, to: 2 }, { from: 6, to: 7 }], 9, false))).toEqual([[1, 2, 6, 7], -1]);
    expect(walk(new TaskCursor([{ from: 0, to: 0 }], 1, true))).toEqual([[0], -1]);
    expect(walk(new TaskCursor([], 5, true))).toEqual([[], -1]);
  });

  it("dispatches preview-first jobs in that order", () => {
    const snap = aSnapshot({ jobs: [aJob("shot").previewFirst().tasks(100).build()], nodes: nodes("n", 3) });
    expect(plan(snap, defaultPolicy, T0).assignments.map((a) => a.taskIndex)).toEqual([0, 99, 49]);
  });

  it("schedules a low-quality preview pass ahead of the finals", () => {
    const job = aJob("shot").steps(aStep("final").tasks(50, 600), aStep("preview").role("preview").tasks(50, 60)).build();
    const p = plan(aSnapshot({ jobs: [job], nodes: nodes("n", 3) }), defaultPolicy, T0);
    expect(p.assignments.map((a) => a.stepName)).toEqual(["preview", "preview", "preview"]);
  });

  it("holds finals until the preview is approved", () => {
    const steps = [aStep("preview").role("preview").tasks(2, 60).done(2).pending(), aStep("final").tasks(50, 600)];
    const pending = plan(aSnapshot({ jobs: [aJob("shot").approval("pending").steps(...steps).build()], nodes: nodes("n", 3) }), defaultPolicy, T0);
    expect(pending.assignments).toEqual([]);
    expect(pending.jobs[0]).toMatchObject({ outcome: "held", reason: "held: finals held until the preview is approved" });
    const approved = plan(aSnapshot({ jobs: [aJob("shot").approval("approved").steps(...steps).build()], nodes: nodes("n", 3) }), defaultPolicy, T0);
    expect(approved.assignments).toHaveLength(3);
  });

  it("without a preview pass, an approval gate lets first, last and middle frame render", () => {
    const job = aJob("shot").previewFirst().approval("pending").tasks(100).build();
    const p = plan(aSnapshot({ jobs: [job], nodes: nodes("n", 8) }), defaultPolicy, T0);
    expect(p.assignments.map((a) => a.taskIndex)).toEqual([0, 99, 49]);
  });
});
