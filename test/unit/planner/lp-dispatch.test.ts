/**
 * Rounding the LP's first slot into assignments (lib/planner/lp/dispatch.ts): the first-frame
 * rule stays inside a deadline bucket, the tail rule, the early look and fresh jobs' first tasks.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { decideJob } from "../../../lib/planner/decisions.ts";
import { defaultPolicy, plan, withPolicy } from "../../../lib/planner/index.ts";
import { firstFrameFirst } from "../../../lib/planner/lp/dispatch.ts";
import type { LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { aJob, aNode, aSnapshot, aStep, aTariff, HOUR, MIN, nodes, T0 } from "../../builders/planner.ts";
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

  // peak-exhaustion seed 1: J21's retried last task went to a speed-1 node (35 min, 19 min late) while a 1.8× node the plan woke was ready 3 min later.
  const waking = (status: "booting" | "asleep") => {
    const fast = aNode("fast").speed("render-cpu", 2).status(status).build();
    if (status === "booting") fast.readyAt = T0 + 3 * MIN;
    return aSnapshot({ nodes: [aNode("slow").speed("render-cpu", 0.5).build(), fast], jobs: [aJob("tail").due(T0 + 40 * MIN).tasks(1, 1800).build()] });
  };

  it("skips the slow node when a booting faster node, counted from when it is ready, finishes the last task sooner", () => {
    const f = farm(waking("booting"), T0);
    const r = dispatch(f, [{ members: [member(f, "tail", 1)], quota: { [classOf(f, "slow")]: 1 } }]);
    expect(r.assignments.filter((a) => a.nodeId === "slow")).toEqual([]);
  });

  it("skips the slow node for an asleep faster node only when the plan wakes it", () => {
    const f = farm(waking("asleep"), T0);
    const woken = dispatch(f, [{ members: [member(f, "tail", 1)], quota: { [classOf(f, "slow")]: 1 } }], { waking: ["fast"] });
    expect(woken.assignments.filter((a) => a.nodeId === "slow")).toEqual([]);
    const g = farm(waking("asleep"), T0);
    const asleep = dispatch(g, [{ members: [member(g, "tail", 1)], quota: { [classOf(g, "slow")]: 1 } }]);
    expect(asleep.assignments.map((a) => a.nodeId)).toEqual(["slow"]);
  });

  it("the work-conserving fill leaves an idle slow node alone when it would finish a task late and a faster class would not", () => {
    // The job has a frame already (no early look); the LP gives it no quota now: only the idle fill could place it.
    const snap = (deadline: number) => aSnapshot({
      nodes: [aNode("slow").speed("render-cpu", 0.5).build(), aNode("fast").speed("render-cpu", 2).running({ jobId: "other", expectedEndAt: T0 + 5 * MIN }).build()],
      jobs: [aJob("tail").due(deadline).steps(aStep("render").tasks(2, 1800).done(1)).build()],
    });
    const late = farm(snap(T0 + 40 * MIN), T0);
    expect(dispatch(late, [{ members: [member(late, "tail", 1)], quota: {} }]).assignments).toEqual([]);
    // In time on the slow node too (60 min of 90): the idle node takes it.
    const inTime = farm(snap(T0 + 90 * MIN), T0);
    expect(dispatch(inTime, [{ members: [member(inTime, "tail", 1)], quota: {} }]).assignments.map((a) => a.nodeId)).toEqual(["slow"]);
    // Late everywhere (a 10-minute deadline): hopeless work still fills the idle node.
    const hopeless = farm(snap(T0 + 10 * MIN), T0);
    expect(dispatch(hopeless, [{ members: [member(hopeless, "tail", 1)], quota: {} }]).assignments.map((a) => a.nodeId)).toEqual(["slow"]);
  });

  it("the work-conserving fill keeps a prerequisite's task off an idle slow node when a busy faster node frees in time to finish it sooner", () => {
    // A dependent waits for "cache": its last task on the slow node ends in 60 min; the fast node frees in 20 and ends it 15 later.
    const snap = (fastFreesAt: number) => aSnapshot({
      nodes: [aNode("slow").speed("render-cpu", 0.5).build(), aNode("fast").speed("render-cpu", 2).running({ jobId: "other", expectedEndAt: fastFreesAt }).build()],
      jobs: [aJob("cache").steps(aStep("render").tasks(2, 1800).pending([1, 1]).done(1)).build()],
    });
    const soon = farm(snap(T0 + 20 * MIN), T0);
    expect(dispatch(soon, [{ members: [member(soon, "cache", null)], quota: {} }], { prerequisites: ["cache"] }).assignments).toEqual([]);
    // Not a prerequisite: the idle node takes it (work conservation).
    const plain = farm(snap(T0 + 20 * MIN), T0);
    expect(dispatch(plain, [{ members: [member(plain, "cache", null)], quota: {} }]).assignments.map((a) => a.nodeId)).toEqual(["slow"]);
    // The fast node frees too late (50 + 15 min > 60): the slow node is sooner.
    const later = farm(snap(T0 + 50 * MIN), T0);
    expect(dispatch(later, [{ members: [member(later, "cache", null)], quota: {} }], { prerequisites: ["cache"] }).assignments.map((a) => a.nodeId)).toEqual(["slow"]);
  });

  it("judges a tail task's end by its runtime padded with the step's spread, as the LP's due times do, not by its mean", () => {
    // Spread 0.2, σ 2: the 30-minute task takes 60 min on the slow node by its mean, 84 min padded.
    const snap = (deadline: number, done: number) => aSnapshot({
      nodes: [aNode("slow").speed("render-cpu", 0.5).build(), aNode("fast").speed("render-cpu", 2).running({ jobId: "other", expectedEndAt: T0 + (done ? 5 * MIN : 30_000) }).build()],
      jobs: [aJob("tail").due(deadline).steps(aStep("render").tasks(done + 1, 1800).done(done).spread(0.2)).build()],
    });
    // Due in 65 min: in time on the slow node by the mean only; the fast node freeing within 60 s takes it.
    const quota = farm(snap(T0 + 65 * MIN, 0), T0);
    expect(dispatch(quota, [{ members: [member(quota, "tail", 1)], quota: { [classOf(quota, "slow")]: 1 } }]).assignments.filter((a) => a.nodeId === "slow")).toEqual([]);
    // Due in 75 min: the idle fill leaves the slow node alone, the fast one (free in 5 min) ends it in 26.
    const fill = farm(snap(T0 + 75 * MIN, 1), T0);
    expect(dispatch(fill, [{ members: [member(fill, "tail", 1)], quota: {} }]).assignments).toEqual([]);
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

describe("fresh jobs' first tasks within a group's quota", () => {
  const shot = (earlyLeft: number) => aSnapshot({
    nodes: nodes("n", 4),
    jobs: [
      aJob("early").due(T0 + 2 * HOUR).steps(aStep("render").tasks(10).pending([10 - earlyLeft, 9]).done(10 - earlyLeft)).build(),
      aJob("fresh1").due(T0 + 6 * HOUR).tasks(10).build(),
      aJob("fresh2").due(T0 + 6 * HOUR).tasks(10).build(),
    ],
  });

  it("gives each fresh job one task before another fresh job's second task", () => {
    const f = farm(shot(5), T0);
    const r = dispatch(f, [{ members: [member(f, "fresh1", 7), member(f, "fresh2", 7), member(f, "early", 7)], quota: { 0: 3 } }], { ordered: [] });
    expect(perJob(r)).toEqual({ fresh1: 2, fresh2: 1 });
  });

  it("gives fresh jobs due later the slots that work due earlier cannot use", () => {
    const f = farm(shot(1), T0);
    const r = dispatch(f, [{ members: [member(f, "early", 3), member(f, "fresh1", 7), member(f, "fresh2", 7)], quota: { 0: 3 } }], { ordered: [] });
    expect(perJob(r)).toEqual({ early: 1, fresh1: 1, fresh2: 1 });
  });

  it("gives fresh jobs due later a slot work due earlier would use when the LP plans the group a task ahead of its deadlines", () => {
    const f = farm(shot(5), T0);
    const r = dispatch(f, [{ members: [member(f, "early", 3), member(f, "fresh1", 7), member(f, "fresh2", 7)], quota: { 0: 3 }, plannedH: new Array(12).fill(1) }], { ordered: [] });
    expect(perJob(r)).toEqual({ early: 1, fresh1: 1, fresh2: 1 });
  });

  it("but only as much as the plan is ahead", () => {
    const f = farm(shot(5), T0);
    const r = dispatch(f, [{ members: [member(f, "early", 3), member(f, "fresh1", 7), member(f, "fresh2", 7)], quota: { 0: 3 }, plannedH: [0.2, ...new Array(11).fill(2)] }], { ordered: [] });
    expect(perJob(r)).toEqual({ early: 2, fresh1: 1 });
  });

  it("lends fresh jobs due later a quarter of the quota (at least one task) when the earlier job's safety margin covers the tasks lent", () => {
    const run = (quota: number, marginSec: number) => {
      const f = farm(shot(5), T0);
      return perJob(dispatch(f, [{ members: [member(f, "early", 3, marginSec), member(f, "fresh1", 7), member(f, "fresh2", 7)], quota: { 0: quota } }], { ordered: [] }));
    };
    expect(run(3, 3600)).toEqual({ early: 2, fresh1: 1 });
    expect(run(4, 3600)).toEqual({ early: 3, fresh1: 1 });
    expect(run(4, 300)).toEqual({ early: 4 });
  });

  it("but never a slot that work due earlier needs", () => {
    const f = farm(shot(2), T0);
    const r = dispatch(f, [{ members: [member(f, "early", 3), member(f, "fresh1", 7), member(f, "fresh2", 7)], quota: { 0: 3 } }], { ordered: [] });
    expect(perJob(r)).toEqual({ early: 2, fresh1: 1 });
  });
});

describe("early look", () => {
  const shot = aSnapshot({
    nodes: nodes("n", 3),
    jobs: [
      aJob("deferred-fresh").tasks(10).energyIntensive().build(),
      aJob("deferred-started").steps(aStep("render").tasks(10).pending([2, 9]).done(2)).energyIntensive().build(),
    ],
  });

  it("puts one task of a deferred job with no frame yet on a free node, and none of a deferred job that has frames", () => {
    const f = farm(shot, T0);
    const r = dispatch(f, [], { ordered: ["deferred-fresh", "deferred-started"], deferred: ["deferred-fresh", "deferred-started"] });
    expect(perJob(r)).toEqual({ "deferred-fresh": 1 });
    expect(r.assignments[0]!.reason).toContain("early look");
    expect(r.assignments[0]!.queued).toBe(false);
  });

  it("takes the free node that finishes the frame soonest, not the best fit", () => {
    // Best fit on cores would pick the 16-core half-speed box first.
    const f = farm(aSnapshot({
      nodes: [aNode("small-slow").cores(16).speed("render-cpu", 0.5).build(), aNode("big-fast").cores(64).speed("render-cpu", 2).build()],
      jobs: [aJob("fresh").tasks(10).energyIntensive().build()],
    }), T0);
    expect(f.states.get("fresh")!.steps[0]!.eligible[0]!.nodes[0]!.id).toBe("small-slow");
    const r = dispatch(f, [], { ordered: ["fresh"], deferred: ["fresh"] });
    expect(r.assignments.map((a) => a.nodeId)).toEqual(["big-fast"]);
  });

  it("the decision reads placed, the rest deferred with the deferral's reason", () => {
    const f = farm(shot, T0);
    const reason = "deferred: the LP runs it from 14:00 UTC at 0.100/kWh instead of 0.300/kWh now";
    const d = decideJob({
      s: f.states.get("deferred-fresh")!, facts: { id: "deferred-fresh", priority: 50, submittedAt: T0, deadlineAt: null, slackSec: null }, rank: 0, placed: 1,
      deferral: { until: T0 + 6 * HOUR, reason }, capped: false, clientMax: 3, projection: undefined, burstReason: undefined, cloudRefused: undefined, cloudOk: false, now: T0,
    });
    expect(d.outcome).toBe("placed");
    expect(d.reason).toBe("placed 1 task(s), rank 1, no deadline; the rest is deferred: the LP runs it from 14:00 UTC at 0.100/kWh instead of 0.300/kWh now");
  });
});

describe("a first frame sooner than the job's task running on a slow node", () => {
  // "look" has no frame; its first task runs on a half-speed box until `slowEndsAt`. A full-speed node is free:
  // a 30-minute task there ends at T0 + 30 min.
  const shot = (slowEndsAt: number, fresh = false) => aSnapshot({
    nodes: [
      aNode("slow").speed("render-cpu", 0.5).running({ jobId: "look", expectedEndAt: slowEndsAt }).build(),
      aNode("fast").speed("render-cpu", 1).build(),
    ],
    jobs: [
      aJob("look").due(T0 + 20 * HOUR).steps(aStep("render").tasks(10, 1800).pending([1, 9]).running(1)).build(),
      ...(fresh ? [aJob("fresh").due(T0 + 20 * HOUR).tasks(10, 1800).build()] : []),
    ],
  });

  it("an early look on a free node that finishes a task before the running one is expected", () => {
    const f = farm(shot(T0 + 50 * MIN), T0);
    const r = dispatch(f, [], { ordered: ["look"], deferred: ["look"] });
    expect(r.assignments.map((a) => a.nodeId)).toEqual(["fast"]);
    expect(r.assignments[0]!.reason).toContain("sooner than the job's task running on a slower node");
  });

  it("none when the running task is expected first: a second look never comes later than the first", () => {
    const f = farm(shot(T0 + 25 * MIN), T0);
    expect(dispatch(f, [], { ordered: ["look"], deferred: ["look"] }).assignments).toEqual([]);
  });

  it("a fresh job (nothing running) takes the free node before it", () => {
    const f = farm(shot(T0 + 50 * MIN, true), T0);
    expect(perJob(dispatch(f, [], { ordered: ["look", "fresh"], deferred: ["look", "fresh"] }))).toEqual({ fresh: 1 });
  });

  it("a node lent from another group's quota, as to a fresh job", () => {
    const f = farm(aSnapshot({
      nodes: [
        aNode("slow").speed("render-cpu", 0.5).running({ jobId: "look", expectedEndAt: T0 + 50 * MIN }).build(),
        ...nodes("n", 4, (b) => b.speed("render-cpu", 1)),
      ],
      jobs: [
        aJob("busy").steps(aStep("render").tasks(40, 1800).pending([2, 39]).done(2)).build(),
        aJob("look").due(T0 + 20 * HOUR).steps(aStep("render").tasks(10, 1800).pending([1, 9]).running(1)).build(),
      ],
    }), T0);
    const fast = classOf(f, "n000");
    const r = dispatch(f, [{ members: [member(f, "busy", null)], quota: { [fast]: 4 } }, { members: [member(f, "look", 9)], quota: {} }], { ordered: ["busy", "look"] });
    expect(perJob(r)).toEqual({ busy: 3, look: 1 });
    expect(r.assignments.find((a) => a.jobId === "look")!.reason).toContain("first frame");
  });
});

describe("early look in the plan of record", () => {
  let solver: LpSolver;
  beforeAll(async () => { solver = await loadHighsSolver(); });
  const tou = aTariff(Array.from({ length: 24 }, (_, h) => (h >= 7 && h < 21 ? 0.3 : 0.1)));
  const shot = (done: number) => aSnapshot({
    jobs: [aJob("sim").energyIntensive().due(T0 + 30 * HOUR).steps(aStep("render").tasks(8, 1800).pending([done, 7]).done(done)).build()],
    nodes: nodes("n", 4), tariff: tou,
  });

  it("runs one task of a job the LP defers to cheaper hours when it has no frame yet, and says the rest is deferred", () => {
    const p = plan(shot(0), defaultPolicy, T0, { solver });
    expect(p.planner?.mode).toBe("lp");
    expect(p.assignments.map((a) => a.taskId)).toHaveLength(1);
    const d = p.jobs.find((j) => j.jobId === "sim")!;
    expect(d.outcome).toBe("placed");
    expect(d.reason).toMatch(/^placed 1 task\(s\), .*; the rest is deferred: the LP runs it from \d\d:00 UTC at 0.100\/kWh/);
  });

  it("leaves a deferred job that has frames deferred", () => {
    const p = plan(shot(1), defaultPolicy, T0, { solver });
    expect(p.assignments).toEqual([]);
    expect(p.jobs.find((j) => j.jobId === "sim")!.outcome).toBe("deferred");
  });
});

describe("first frames across groups", () => {
  // "busy" has frames and the LP gives its group every node now; the fresh jobs' group gets none.
  const shot = (n: number, fresh: number) => aSnapshot({
    nodes: nodes("n", n),
    jobs: [
      aJob("busy").due(T0 + 3 * HOUR).steps(aStep("render").tasks(40).pending([2, 39]).done(2)).build(),
      ...Array.from({ length: fresh }, (_, i) => aJob(`late${i + 1}`).due(T0 + 10 * HOUR).tasks(10).build()),
    ],
  });
  const run = (n: number, fresh: number, marginSec: number | null, deferred: string[] = [], waiting: string[] = []) => {
    const f = farm(shot(n, fresh), T0);
    const late = Array.from({ length: fresh }, (_, i) => member(f, `late${i + 1}`, 9));
    return perJob(dispatch(f, [{ members: [member(f, "busy", marginSec === null ? null : 2, marginSec ?? 0)], quota: { 0: n } }, { members: late, quota: {} }], { ordered: ["busy", ...late.map((m) => m.s.job.id).filter((id) => !waiting.includes(id))], deferred }));
  };

  it("lends a fresh job of a group the LP plans later one task of another group's quota when that group's margin covers twice its node time", () => {
    expect(run(4, 1, 3600)).toEqual({ busy: 3, late1: 1 });
  });

  it("not when the lender's room, its margin and its last task (which completion credit holds in the plan), is short of twice the task", () => {
    // 10-minute tasks: 15 min of margin and the 10-minute task cover twice the task; 8 min and the task do not.
    expect(run(4, 1, 900)).toEqual({ busy: 3, late1: 1 });
    expect(run(4, 1, 480)).toEqual({ busy: 4 });
  });

  it("a best-effort group always can lend", () => {
    expect(run(4, 1, null)).toEqual({ busy: 3, late1: 1 });
  });

  it("lends at most a tenth of the slot's nodes (at least one), and never to a deferred job", () => {
    expect(run(4, 2, 3600)).toEqual({ busy: 3, late1: 1 });
    expect(run(20, 3, 3 * 3600)).toEqual({ busy: 18, late1: 1, late2: 1 });
    expect(run(4, 2, 3600, ["late1"])).toEqual({ busy: 3, late2: 1 });
  });

  it("never to a job that may not run yet (waiting on a prerequisite: not in dispatch order)", () => {
    expect(run(4, 2, 3600, [], ["late1"])).toEqual({ busy: 3, late2: 1 });
    expect(run(4, 1, 3600, [], ["late1"])).toEqual({ busy: 4 });
  });

  it("only hardware the LP may plan the borrower's group on", () => {
    const f = farm(shot(4, 1), T0);
    const late = { members: [member(f, "late1", 9)], quota: {}, resources: [] as number[] };
    expect(perJob(dispatch(f, [{ members: [member(f, "busy", 2, 3600)], quota: { 0: 4 } }, late]))).toEqual({ busy: 4 });
  });

  it("lends a fresh job its own tight group's quota does not reach, once that group has dispatched", () => {
    // "early" (due in 3 h, no margin) takes its group's two nodes; "fresh" (due in 10 h) shares that group;
    // "loose" (best effort) is dispatched after it and lends "fresh" one of its two.
    const f = farm(aSnapshot({
      nodes: nodes("n", 4),
      jobs: [
        aJob("early").due(T0 + 3 * HOUR).steps(aStep("render").tasks(40).pending([2, 39]).done(2)).build(),
        aJob("fresh").due(T0 + 10 * HOUR).tasks(10).build(),
        aJob("loose").steps(aStep("render").tasks(40).pending([2, 39]).done(2)).build(),
      ],
    }), T0);
    const tight = { members: [member(f, "early", 2), member(f, "fresh", 9)], quota: { 0: 2 } };
    expect(perJob(dispatch(f, [tight, { members: [member(f, "loose", null)], quota: { 0: 2 } }]))).toEqual({ early: 2, fresh: 1, loose: 1 });
  });

  it("spends the lender's margin: each lent task takes twice its node time off it", () => {
    // 3600 s covers one 600 s task (2 × 600 = 1200 s) three times, not four.
    expect(run(40, 4, 3600)).toEqual({ busy: 37, late1: 1, late2: 1, late3: 1 });
  });
});

describe("work-conserving fill and energy (tariff on)", () => {
  // A CPU render that has a frame (no early look) and no quota now; a CPU box busy, a GPU box free that
  // renders CPU work at half speed for more power (1.3 kWh per reference hour against 0.45).
  const snap = (energy: boolean) => aSnapshot({
    nodes: [
      aNode("cpu").speed("render-cpu", 1).power(120, 450).running({ jobId: "other", expectedEndAt: T0 + 30 * MIN }).build(),
      aNode("gpu").gpu(1).speed("render-cpu", 0.5).power(150, 650).build(),
    ],
    jobs: [aJob("r").energyIntensive(energy).due(T0 + 20 * 60 * MIN).steps(aStep("render").tasks(4, 1800).done(1)).build()],
  });

  it("leaves energy-intensive work off a node spending over 1.5× the energy per unit of work of its best class", () => {
    const f = farm(snap(true), T0);
    expect(dispatch(f, [{ members: [member(f, "r", 5)], quota: {} }]).assignments).toEqual([]);
  });

  it("leaves it off while work may rent but the LP's plan rents no node", () => {
    const f = farm(snap(true), T0);
    expect(dispatch(f, [{ members: [member(f, "r", 5)], quota: {} }], { cloudOk: true, rent: [0, 0, 0] }).assignments).toEqual([]);
  });

  it("fills it once the plan rents: work done now may save a rental later (cloud ≫ energy)", () => {
    const f = farm(snap(true), T0);
    expect(dispatch(f, [{ members: [member(f, "r", 5)], quota: {} }], { cloudOk: true, rent: [0, 0, 2] }).assignments.map((a) => a.nodeId)).toEqual(["gpu"]);
  });

  it("still fills it with work that is not energy-intensive, or with tariff timing off", () => {
    const plain = farm(snap(false), T0);
    expect(dispatch(plain, [{ members: [member(plain, "r", 5)], quota: {} }]).assignments.map((a) => a.nodeId)).toEqual(["gpu"]);
    const off = farm(snap(true), T0, withPolicy({ tariff: { enabled: false } }));
    expect(dispatch(off, [{ members: [member(off, "r", 5)], quota: {} }]).assignments.map((a) => a.nodeId)).toEqual(["gpu"]);
  });
});
