import { beforeAll, describe, expect, it } from "vitest";
import { defaultPolicy, plan, type LpSolver } from "../../../lib/planner/index.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { farmShape, isSettledTaskTrigger, RollingPlanOfRecord, whySolve } from "../../../lib/solver/rolling-plan-of-record.ts";
import { generateFarm } from "../../builders/farm-generator.ts";

const slot = 5 * 60_000;
// 30 s into a 5-minute slot: a fresh record stays in its slot for the next 4.5 minutes.
const T = Math.floor(Date.UTC(2026, 2, 3, 15, 0) / slot) * slot + 30_000;
const settled = ["task j1/render/4 succeeded", "node n7 settled 2 task(s)"];

describe("replay or solve", () => {
  const record = { at: T, shape: "farm" };
  const fresh = { now: T + 20_000, triggers: settled, shape: "farm" };

  it("replays when only settled tasks came in, the record is under a minute old, in the same slot, on the same farm", () => {
    expect(whySolve(record, fresh)).toBeNull();
  });

  it("solves without a record, on any other trigger, at a minute's age, past the slot boundary, or on another farm shape", () => {
    expect(whySolve(null, fresh)).toBe("no plan of record yet");
    expect(whySolve(record, { ...fresh, triggers: [...settled, "job j2 edited"] })).toBe('trigger "job j2 edited" is not a settled task');
    expect(whySolve(record, { ...fresh, triggers: ["schedule"] })).toMatch(/not a settled task/);
    expect(whySolve(record, { ...fresh, now: T + 60_000 })).toBe("the plan of record is a minute old");
    const boundary = Math.ceil(T / slot) * slot;
    expect(whySolve({ ...record, at: boundary - 10_000 }, { ...fresh, now: boundary + 5_000 })).toBe("a 5-minute slot boundary has passed");
    expect(whySolve(record, { ...fresh, shape: "other" })).toBe("the farm's shape changed");
  });

  it("reads the settle triggers as settle-task.ts and poll-agent.ts word them, and nothing else", () => {
    for (const t of settled) expect(isSettledTaskTrigger(t)).toBe(true);
    for (const t of ["job j1 submitted", "node n1 drain", "cloud capacity changed", "schedule", "task x succeeded later"]) expect(isSettledTaskTrigger(t)).toBe(false);
  });
});

describe("RollingPlanOfRecord", () => {
  let highs: LpSolver;
  let solves = 0;
  const counting = (): LpSolver => ({ solve: (m, o) => { solves += 1; return highs.solve(m, o); } });
  beforeAll(async () => { highs = await loadHighsSolver(); });

  const farm = () => generateFarm({ tasks: 300, nodes: 20, seed: 5, now: T });

  it("solves the first cycle, replays a settled-task event without solving, and solves again on an edit or after a minute", async () => {
    const rolling = new RollingPlanOfRecord(async () => counting());
    await rolling.ready();
    solves = 0;
    const { snapshot } = farm();
    const first = rolling.plan(structuredClone(snapshot), defaultPolicy, T, ["schedule"]);
    expect(rolling.last?.way).toBe("solved");
    expect(solves).toBe(1);

    const again = rolling.plan(structuredClone(snapshot), defaultPolicy, T + 15_000, settled);
    expect(rolling.last).toEqual({ way: "replayed", why: expect.stringContaining("settled tasks") });
    expect(solves).toBe(1);
    expect(again.planner?.mode).toBe("lp");
    expect(again.assignments.length).toBeGreaterThan(0);

    rolling.plan(structuredClone(snapshot), defaultPolicy, T + 20_000, ["job j3 edited"]);
    expect(rolling.last).toEqual({ way: "solved", why: 'trigger "job j3 edited" is not a settled task' });
    expect(solves).toBe(2);

    rolling.plan(structuredClone(snapshot), defaultPolicy, T + 20_000 + 60_000, settled);
    expect(rolling.last?.way).toBe("solved");
    expect(solves).toBe(3);
    expect(rolling.counts).toEqual({ solved: 3, replayed: 1, greedy: 0 });
    expect(first.planner?.mode).toBe("lp");
  });

  it("does not replay once a node changed state, and a skipped cycle's edit still forces the next solve", async () => {
    const rolling = new RollingPlanOfRecord(async () => counting());
    await rolling.ready();
    const { snapshot } = farm();
    rolling.plan(structuredClone(snapshot), defaultPolicy, T, ["schedule"]);
    const changed = structuredClone(snapshot);
    changed.nodes[0]!.status = "offline";
    expect(farmShape(changed)).not.toBe(farmShape(snapshot));
    rolling.plan(changed, defaultPolicy, T + 5_000, settled);
    expect(rolling.last).toEqual({ way: "solved", why: "the farm's shape changed" });

    rolling.skipped(["job j1 submitted"]);
    rolling.plan(structuredClone(changed), defaultPolicy, T + 10_000, settled);
    expect(rolling.last?.way).toBe("solved");
    rolling.plan(structuredClone(changed), defaultPolicy, T + 12_000, settled);
    expect(rolling.last?.way).toBe("replayed");
  });

  it("re-solves after an edit it never saw as a trigger (another planner container handled it)", async () => {
    const rolling = new RollingPlanOfRecord(async () => counting());
    await rolling.ready();
    const { snapshot } = farm();
    rolling.plan(structuredClone(snapshot), defaultPolicy, T, ["schedule"]);
    const edits: ((s: typeof snapshot) => void)[] = [
      (s) => { s.jobs[0]!.deadlineAt = (s.jobs[0]!.deadlineAt ?? T) + 3_600_000; },
      (s) => { s.jobs[0]!.priority = s.jobs[0]!.priority === 90 ? 10 : 90; },
      (s) => { s.jobs[0]!.suspended = !s.jobs[0]!.suspended; },
      (s) => { s.clients[0]!.guaranteedShare = s.clients[0]!.guaranteedShare / 2; },
    ];
    for (const edit of edits) {
      const edited = structuredClone(snapshot);
      edit(edited);
      rolling.plan(edited, defaultPolicy, T + 5_000, settled);
      expect(rolling.last).toEqual({ way: "solved", why: "the farm's shape changed" });
      rolling.plan(structuredClone(snapshot), defaultPolicy, T + 6_000, ["schedule"]);
    }
    const progressed = structuredClone(snapshot);
    progressed.clients[0]!.cloudBudgetLeft /= 2;
    rolling.plan(progressed, defaultPolicy, T + 7_000, settled);
    expect(rolling.last?.way).toBe("replayed");
  });

  it("plans greedily, counts it and says why, when HiGHS did not load or the solver fails", async () => {
    const { snapshot } = farm();
    const none = new RollingPlanOfRecord(async () => { throw new Error("highs.wasm: ENOENT"); });
    await none.ready();
    const p = none.plan(structuredClone(snapshot), defaultPolicy, T, ["schedule"]);
    expect(none.last).toEqual({ way: "greedy", why: expect.stringContaining("HiGHS did not load") });
    expect(p.assignments).toEqual(plan(structuredClone(snapshot), defaultPolicy, T).assignments);

    const greedyByChoice = new RollingPlanOfRecord(async () => null, "the farm plans greedily (--greedy)");
    await greedyByChoice.ready();
    greedyByChoice.plan(structuredClone(snapshot), defaultPolicy, T, ["schedule"]);
    expect(greedyByChoice.last).toEqual({ way: "greedy", why: "the farm plans greedily (--greedy)" });

    const failing = new RollingPlanOfRecord(async () => ({ solve: () => ({ status: "time-limit", colValue: new Float64Array(0), rowDual: new Float64Array(0) }) }));
    await failing.ready();
    failing.plan(structuredClone(snapshot), defaultPolicy, T, ["schedule"]);
    failing.plan(structuredClone(snapshot), defaultPolicy, T + 1_000, settled);
    expect(failing.counts).toEqual({ solved: 0, replayed: 0, greedy: 2 });
    expect(failing.last?.why).toMatch(/greedy passes planned/);
  });
});
