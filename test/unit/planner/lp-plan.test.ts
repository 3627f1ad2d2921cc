/**
 * The planner of record: plan() with the LP solved by HiGHS (lib/solver/highs-solver.ts) keeps
 * the hard rules the greedy passes keep, is deterministic, and falls back to the greedy passes
 * (saying so) when the solver fails. Fewer fast-check runs than properties.test.ts: each run
 * solves a real LP.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { satisfies } from "../../../lib/planner/bounds/eligibility.ts";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import { LpBuilder, type LpSolver } from "../../../lib/planner/lp/solver.ts";
import { loadHighsSolver } from "../../../lib/solver/highs-solver.ts";
import { recording, replay } from "../../../lib/solver/plan-of-record.ts";
import { generateFarm } from "../../builders/farm-generator.ts";

const RUNS = { numRuns: 12, seed: 1414 };
let solver: LpSolver;
beforeAll(async () => { solver = await loadHighsSolver(); });

const aFarm = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  tasks: fc.integer({ min: 20, max: 600 }),
  nodes: fc.integer({ min: 3, max: 40 }),
  load: fc.constantFrom(0.3, 1, 5),
  extras: fc.boolean(),
}).map((p) => generateFarm(p));

describe("HiGHS adapter", () => {
  it("solves a small LP to its optimum and reports infeasibility", () => {
    // min x + 2y  s.t.  x + y ≥ 3, x ≤ 2  →  x = 2, y = 1.
    const b = new LpBuilder();
    const r = b.addRow(3, Infinity);
    b.addCol(1, 0, 2, [r], [1]);
    b.addCol(2, 0, Infinity, [r], [1]);
    const sol = solver.solve(b.build(), { timeLimitSec: 5 });
    expect(sol.status).toBe("optimal");
    expect([...sol.colValue]).toEqual([2, 1]);
    const bad = new LpBuilder();
    const r2 = bad.addRow(5, Infinity);
    bad.addCol(1, 0, 1, [r2], [1]);
    expect(solver.solve(bad.build(), { timeLimitSec: 5 }).status).toBe("infeasible");
  });
});

describe("plan() with the LP of record", () => {
  it("is deterministic, leaves its input untouched, and says the LP planned", () => {
    fc.assert(fc.property(aFarm, ({ snapshot, now }) => {
      const before = structuredClone(snapshot);
      const a = plan(snapshot, defaultPolicy, now, { solver });
      expect(snapshot).toEqual(before);
      expect(a.planner?.mode, a.planner?.reason).toBe("lp");
      expect(plan(structuredClone(snapshot), defaultPolicy, now, { solver })).toEqual(a);
    }), RUNS);
  });

  it("keeps the hard rules: free slots, pending tasks once, requirements, blocklists, rented nodes per client, cloud permission and budget", () => {
    let assigned = 0;
    fc.assert(fc.property(aFarm, ({ snapshot, now }) => {
      const p = plan(snapshot, defaultPolicy, now, { solver });
      const nodes = new Map(snapshot.nodes.map((n) => [n.id, n]));
      const jobs = new Map(snapshot.jobs.map((j) => [j.id, j]));
      const starts = new Map<string, number>();
      for (const a of p.assignments) if (!a.queued) starts.set(a.nodeId, (starts.get(a.nodeId) ?? 0) + 1);
      for (const [id, k] of starts) expect(k, `node ${id}`).toBeLessThanOrEqual(Math.max(0, nodes.get(id)!.slots - nodes.get(id)!.leases.length));
      const ids = p.assignments.map((a) => a.taskId);
      expect(new Set(ids).size).toBe(ids.length);
      for (const a of p.assignments) {
        assigned++;
        const n = nodes.get(a.nodeId)!;
        const j = jobs.get(a.jobId)!;
        const st = j.steps.find((x) => x.name === a.stepName)!;
        expect(st.pending.some((r) => r.from <= a.taskIndex && a.taskIndex <= r.to), `${a.taskId} pending`).toBe(true);
        expect(satisfies(n.capabilities, st.requirements), `${a.taskId}: requirements`).toBe(true);
        expect(n.blocklist.includes(j.id), `${a.taskId}: blocklisted`).toBe(false);
        if (n.pool === "cloud") {
          expect(j.cloudAllowed, `${a.taskId} on cloud`).toBe(true);
          if (n.clientId !== undefined) expect(n.clientId, `${a.taskId} on another client's rented node`).toBe(j.clientId);
        }
        expect(p.jobs.find((d) => d.jobId === j.id)!.outcome, `${a.taskId}: job placed`).not.toBe("deferred");
      }
      const spend = new Map<string, number>();
      for (const b of p.burst) {
        const c = snapshot.clients.find((x) => x.id === b.clientId)!;
        expect(c.cloudAllowed).toBe(true);
        for (const id of b.jobIds) expect(jobs.get(id)!.cloudAllowed).toBe(true);
        expect(b.count).toBeGreaterThanOrEqual(1);
        spend.set(c.id, (spend.get(c.id) ?? 0) + b.estimatedCost);
      }
      for (const [c, cost] of spend) expect(cost, `client ${c} budget`).toBeLessThanOrEqual(snapshot.clients.find((x) => x.id === c)!.cloudBudgetLeft * 1.05 + 1);
    }), RUNS);
    expect(assigned).toBeGreaterThan(20);
  });

  it("falls back to the greedy passes, and says so, when the solver fails or the plan of record no longer fits", () => {
    const { snapshot, now } = generateFarm({ tasks: 400, nodes: 30, seed: 7 });
    const failing: LpSolver = { solve: () => ({ status: "time-limit", colValue: new Float64Array(0), rowDual: new Float64Array(0) }) };
    const p = plan(structuredClone(snapshot), defaultPolicy, now, { solver: failing });
    expect(p.planner?.mode).toBe("greedy");
    expect(p.warnings.some((w) => w.includes("LP solver time-limit") && w.includes("greedy passes planned this cycle"))).toBe(true);
    const greedy = plan(structuredClone(snapshot), defaultPolicy, now);
    expect(p.assignments).toEqual(greedy.assignments);

    const rec = recording(solver);
    const first = plan(structuredClone(snapshot), defaultPolicy, now, { solver: rec });
    const again = plan(structuredClone(snapshot), defaultPolicy, now, { solver: replay(rec.last!) });
    expect(again.assignments).toEqual(first.assignments);
    const other = generateFarm({ tasks: 900, nodes: 40, seed: 8 });
    expect(plan(other.snapshot, defaultPolicy, other.now, { solver: replay(rec.last!) }).planner?.mode).toBe("greedy");
  });

  it("explains every active job's decision from the solution", () => {
    const { snapshot, now } = generateFarm({ tasks: 600, nodes: 20, seed: 11, load: 5 });
    const p = plan(snapshot, defaultPolicy, now, { solver });
    const explained = p.jobs.filter((d) => ["placed", "queued", "running", "burst"].includes(d.outcome));
    expect(explained.length).toBeGreaterThan(0);
    for (const d of explained) expect(d.reason, d.jobId).toMatch(/LP: /);
    // A rental keeps a deadline, or (work that misses anyway) finishes it sooner, and says which.
    for (const b of p.burst) expect(b.reason).toMatch(/the LP meets|will be missed; .+ of rented work finishes it sooner/);
    for (const a of p.assignments) expect(a.reason).toMatch(/^(LP: .+ now for |idle capacity)/);
  });
});
