/**
 * Invariants of plan() on generated farms (test/builders/farm-generator.ts), with fast-check
 * choosing the farm's seed, size and load. Each property states its preconditions in the farm
 * it builds, so a failure is a planner behaviour, not a test artefact.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cloudLowerBound, instanceFromSnapshot, unavoidablyLate } from "../../../lib/planner/bounds/index.ts";
import { defaultPolicy, plan, withPolicy } from "../../../lib/planner/index.ts";
import type { Plan, Snapshot } from "../../../lib/planner/types.ts";
import { generateFarm } from "../../builders/farm-generator.ts";
import { localScheduleExists } from "./bounds/local-certificate.ts";
import { satisfies } from "../../../lib/planner/bounds/eligibility.ts";
import { refusesByHand } from "../../../lib/planner/matching/refusals.ts";

const RUNS = { numRuns: 40, seed: 4242 };

const aFarm = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  tasks: fc.integer({ min: 20, max: 800 }),
  nodes: fc.integer({ min: 3, max: 60 }),
  load: fc.constantFrom(0.3, 1, 3, 10),
  extras: fc.boolean(),
}).map((p) => ({ ...generateFarm(p), params: p }));

const pendingCount = (s: Snapshot["jobs"][number]["steps"][number]) => s.pending.reduce((n, r) => n + r.to - r.from + 1, 0);

/** Non-queued assignments per node. */
function startsPerNode(p: Plan): Map<string, number> {
  const m = new Map<string, number>();
  for (const a of p.assignments) if (!a.queued) m.set(a.nodeId, (m.get(a.nodeId) ?? 0) + 1);
  return m;
}

describe("plan() invariants on generated farms", () => {
  it("is deterministic and leaves its input untouched", () => {
    fc.assert(fc.property(aFarm, ({ snapshot, now }) => {
      const before = structuredClone(snapshot);
      const a = plan(snapshot, defaultPolicy, now);
      expect(snapshot).toEqual(before);
      const b = plan(structuredClone(snapshot), defaultPolicy, now);
      expect(b).toEqual(a);
    }), RUNS);
  });

  it("starts no more tasks on a node than it has free slots, each a pending task, each once", () => {
    fc.assert(fc.property(aFarm, ({ snapshot, now }) => {
      const p = plan(snapshot, defaultPolicy, now);
      const nodes = new Map(snapshot.nodes.map((n) => [n.id, n]));
      for (const [nodeId, starts] of startsPerNode(p)) {
        const n = nodes.get(nodeId);
        expect(n, `assignment to unknown node ${nodeId}`).toBeDefined();
        expect(starts, `node ${nodeId}: ${starts} starts, ${n!.slots} slots, ${n!.leases.length} leases`).toBeLessThanOrEqual(Math.max(0, n!.slots - n!.leases.length));
      }
      const ids = p.assignments.map((a) => a.taskId);
      expect(new Set(ids).size).toBe(ids.length);
      const leased = new Set(snapshot.nodes.flatMap((n) => n.leases.map((l) => l.taskId)));
      const jobs = new Map(snapshot.jobs.map((j) => [j.id, j]));
      for (const a of p.assignments) {
        const step = jobs.get(a.jobId)?.steps.find((s) => s.name === a.stepName);
        expect(step, `assignment to unknown step ${a.taskId}`).toBeDefined();
        expect(step!.pending.some((r) => r.from <= a.taskIndex && a.taskIndex <= r.to), `${a.taskId} is not pending`).toBe(true);
        expect(leased.has(a.taskId), `${a.taskId} is already running`).toBe(false);
      }
    }), RUNS);
  });

  it("honours the hard rules: requirements, blocklists, limits, gates, dependencies, checkpoints, cloud permission and budget", () => {
    let assigned = 0;
    fc.assert(fc.property(aFarm, ({ snapshot, now }) => {
      const pol = defaultPolicy;
      const p = plan(snapshot, pol, now);
      const nodes = new Map(snapshot.nodes.map((n) => [n.id, n]));
      const jobs = new Map(snapshot.jobs.map((j) => [j.id, j]));
      const left = (st: Snapshot["jobs"][number]["steps"][number]) => pendingCount(st) + st.runningTasks;
      for (const a of p.assignments) {
        assigned++;
        const n = nodes.get(a.nodeId)!;
        const j = jobs.get(a.jobId)!;
        const st = j.steps.find((x) => x.name === a.stepName)!;
        const at = `${a.taskId} on ${a.nodeId}`;
        expect(satisfies(n.capabilities, st.requirements), `${at}: requirements`).toBe(true);
        expect(["offline", "disabled", "draining"].includes(n.status), `${at}: node is ${n.status}`).toBe(false);
        // A refusal for failures is forgiven only when every node refuses the job, and the plan says so.
        const refused = n.blocklist.includes(j.id) || (n.failuresByJob?.[j.id] ?? 0) >= pol.failures.blocklistAfter;
        const forgiven = p.warnings.some((w) => w.startsWith(`job ${j.id}: every node that can run it refuses it after repeated failures; ${n.id} `));
        expect(refused && !forgiven, `${at}: blocklisted`).toBe(false);
        expect(refusesByHand(n, j, pol.failures.blocklistAfter), `${at}: blocklisted by hand`).toBe(false);
        expect(j.suspended === true || j.errorCount >= pol.failures.errorsPerJob, `${at}: job suspended or failed`).toBe(false);
        expect(st.failedAttempts?.[a.taskIndex] ?? 0, `${at}: retries used up`).toBeLessThan(pol.failures.retriesPerTask);
        if (st.role === "final" && j.preview.approval === "pending") {
          // Finals wait for approval; without a preview step, the first/last/middle frames (3 tasks) may render first.
          expect(j.steps.some((x) => x.role === "preview"), `${at}: final held for approval`).toBe(false);
          const started = p.assignments.filter((x) => x.jobId === j.id && x.stepName === st.name).length;
          expect(st.doneTasks + st.runningTasks + started, `${at}: more than the 3 preview frames before approval`).toBeLessThanOrEqual(3);
        }
        for (const dep of st.dependsOn) expect(left(j.steps.find((x) => x.name === dep)!), `${at}: step ${dep} not done`).toBe(0);
        for (const dep of j.dependsOn) {
          const d = jobs.get(dep);
          if (d) expect(d.steps.reduce((m, x) => m + left(x), 0), `${at}: job ${dep} not done`).toBe(0);
        }
      }
      for (const pre of p.preemptions) {
        const lease = nodes.get(pre.nodeId)!.leases.find((l) => l.taskId === pre.taskId)!;
        expect(jobs.get(lease.jobId)!.steps.find((x) => x.name === lease.stepName)!.checkpointable, `preempted ${pre.taskId} cannot checkpoint`).toBe(true);
      }
      const spend = new Map<string, number>();
      for (const b of p.burst) {
        const c = snapshot.clients.find((x) => x.id === b.clientId)!;
        expect(c.cloudAllowed, `burst for ${c.id}, which does not allow cloud`).toBe(true);
        for (const id of b.jobIds) expect(jobs.get(id)!.cloudAllowed, `burst for ${id}, which may not burst`).toBe(true);
        spend.set(c.id, (spend.get(c.id) ?? 0) + b.estimatedCost);
      }
      for (const [c, cost] of spend) expect(cost, `client ${c} over its cloud budget`).toBeLessThanOrEqual(snapshot.clients.find((x) => x.id === c)!.cloudBudgetLeft + 1e-9);
    }), RUNS);
    expect(assigned).toBeGreaterThan(100);
  });

  it("gives every client with demand at least its guaranteed share of on-prem slots, and no more than its maximum", () => {
    let contended = 0;
    fc.assert(fc.property(aFarm, ({ snapshot, now }) => {
      const farm = sharesOnly(snapshot);
      const p = plan(farm, defaultPolicy, now);
      const slots = farm.nodes.reduce((n, x) => n + x.slots, 0);
      const clientOf = new Map(farm.jobs.map((j) => [j.id, j.clientId]));
      const used = new Map<string, number>();
      for (const a of p.assignments) if (!a.queued) used.set(clientOf.get(a.jobId)!, (used.get(clientOf.get(a.jobId)!) ?? 0) + 1);
      const total = farm.jobs.reduce((n, j) => n + pendingCount(j.steps[0]!), 0);
      if (total > slots && farm.clients.some((c) => c.guaranteedShare * slots >= 1)) contended++;
      for (const c of farm.clients) {
        const demand = farm.jobs.filter((j) => j.clientId === c.id).reduce((n, j) => n + pendingCount(j.steps[0]!), 0);
        const got = used.get(c.id) ?? 0;
        const owed = Math.min(demand, Math.floor(c.guaranteedShare * slots));
        expect(got, `client ${c.id}: demand ${demand}, guarantee ${c.guaranteedShare} of ${slots} slots`).toBeGreaterThanOrEqual(owed);
        expect(got, `client ${c.id}: max share ${c.maxShare} of ${slots} slots`).toBeLessThanOrEqual(Math.ceil(c.maxShare * slots));
      }
    }), RUNS);
    expect(contended, "the farms never had more demand than slots").toBeGreaterThan(5);
  });

  it("lends idle slots: every slot works while some client with demand is below its maximum", () => {
    fc.assert(fc.property(aFarm, ({ snapshot, now }) => {
      const farm = sharesOnly(snapshot);
      const p = plan(farm, defaultPolicy, now);
      const slots = farm.nodes.reduce((n, x) => n + x.slots, 0);
      const wanted = farm.clients.reduce((n, c) => n + Math.min(farm.jobs.filter((j) => j.clientId === c.id).reduce((m, j) => m + pendingCount(j.steps[0]!), 0), Math.floor(c.maxShare * slots)), 0);
      const started = p.assignments.filter((a) => !a.queued).length;
      expect(started, `${slots} slots, ${wanted} tasks placeable within max shares`).toBeGreaterThanOrEqual(Math.min(slots, wanted));
    }), RUNS);
  });

  it("asks for no cloud when local capacity meets every deadline with 25% to spare", () => {
    let ample = 0;
    fc.assert(fc.property(aFarm, ({ snapshot, now }) => {
      const farm = localOnlyReasons(snapshot);
      const inst = instanceFromSnapshot(farm, defaultPolicy, now, { slotMinutes: 15, horizonSlots: 4 * 80 });
      // The proof is a local schedule for 1.25× the work; the lower bound must then be 0 too.
      fc.pre(localScheduleExists(inst, 1.25));
      expect(cloudLowerBound(inst).cost).toBe(0);
      ample++;
      const p = plan(farm, defaultPolicy, now);
      expect(p.burst, `burst with ample local capacity: ${JSON.stringify(p.burst[0])}`).toEqual([]);
    }), RUNS);
    expect(ample).toBeGreaterThan(5);
  });

  it("flags every job the bounds prove late as at risk (jobs still waiting for others aside)", () => {
    let late = 0;
    fc.assert(fc.property(aFarm, ({ snapshot, now }) => {
      const ids = unavoidablyLate(instanceFromSnapshot(snapshot, defaultPolicy, now, { slotMinutes: 5, horizonSlots: 12 * 80 }));
      const p = plan(snapshot, defaultPolicy, now);
      for (const id of new Set(ids.map((x) => x.split("#")[0]!))) {
        const d = p.jobs.find((x) => x.jobId === id)!;
        if (d.outcome === "waiting") continue;
        late++;
        expect(d.atRisk || d.outcome === "failed", `${id}: ${d.outcome}: ${d.reason}`).toBe(true);
      }
    }), RUNS);
    expect(late).toBeGreaterThan(5);
  });

  describe("a waiting job whose prerequisite cannot finish before its deadline", () => {
    const { snapshot, now } = generateFarm({ seed: 2135071090, tasks: 775, nodes: 18, load: 10 });
    it("is proven late by the bounds", () => {
      // j00002 is due in 7.4 h; its prerequisite j00001 needs ≥ 8.6 h even on all allowed capacity.
      expect(unavoidablyLate(instanceFromSnapshot(snapshot, defaultPolicy, now, { slotMinutes: 5, horizonSlots: 12 * 80 }))).toContain("j00002");
    });
    it("is flagged at risk, since no cloud can start before its prerequisite finishes", () => {
      expect(plan(snapshot, defaultPolicy, now).jobs.find((x) => x.jobId === "j00002")!.atRisk).toBe(true);
    });
  });

  // Counterexamples found with more runs (see the bounds report), kept as regressions: greedy
  // capacity projection burst on these farms until it learned to retry least-contended first.
  // Both farms have a proven local schedule for 1.25× their work.
  for (const params of [{ seed: 913952063, tasks: 575, nodes: 44, load: 3 }, { seed: 196319208, tasks: 625, nodes: 49, load: 3 }]) {
    const { snapshot, now } = generateFarm(params);
    const farm = localOnlyReasons(snapshot);
    it(`has a proven local schedule for 1.25× the work (farm ${JSON.stringify(params)})`, () => {
      expect(localScheduleExists(instanceFromSnapshot(farm, defaultPolicy, now, { slotMinutes: 15, horizonSlots: 4 * 80 }), 1.25)).toBe(true);
    });
    it(`does not burst, since local capacity suffices (farm ${JSON.stringify(params)})`, () => {
      expect(plan(farm, defaultPolicy, now).burst).toEqual([]);
    });
  }

  it("never makes an on-time job late by waiting for cheaper power", () => {
    let deferredOnTime = 0;
    fc.assert(fc.property(aFarm, ({ snapshot, now }) => {
      const on = plan(snapshot, defaultPolicy, now);
      const off = plan(snapshot, withPolicy({ tariff: { enabled: false } }), now);
      const offById = new Map(off.jobs.map((d) => [d.jobId, d]));
      const deadline = new Map(snapshot.jobs.map((j) => [j.id, j.deadlineAt]));
      for (const d of on.jobs) {
        const due = deadline.get(d.jobId);
        const before = offById.get(d.jobId)?.projectedFinishAt;
        if (due == null || before == null || before > due) continue;
        if (d.outcome === "deferred") deferredOnTime++;
        expect(d.projectedFinishAt, `${d.jobId} (${d.outcome}: ${d.reason}) was on time without tariff timing`).not.toBeNull();
        expect(d.projectedFinishAt!, `${d.jobId} (${d.outcome}: ${d.reason})`).toBeLessThanOrEqual(due);
      }
    }), RUNS);
    expect(deferredOnTime, "the farms exercised no deferral").toBeGreaterThan(0);
  });
});

/**
 * A farm where only shares decide who runs: every node free, ready and on-prem, every task fits
 * every node, no deadlines (no urgency tier), no tariff, no dependencies or approval gates, one
 * step per job, no failures.
 */
function sharesOnly(s: Snapshot): Snapshot {
  return {
    ...s,
    tariff: null,
    nodes: s.nodes.filter((n) => n.pool === "onprem").map((n) => ({ ...n, status: "ready", leases: [], blocklist: [], failuresByJob: undefined, idleSince: undefined })),
    jobs: s.jobs.map((j) => {
      const last = j.steps[j.steps.length - 1]!;
      return { ...j, deadlineAt: null, dependsOn: [], errorCount: 0, suspended: false, preview: { previewFirst: false, approval: "not-required" }, steps: [{ ...last, dependsOn: [], runningTasks: 0, requirements: {}, failedAttempts: undefined }] };
    }),
  };
}

/**
 * A farm the bounds instance describes faithfully: no shares (the instance has none; a planner that
 * keeps other clients' guarantees free may rightly burst where the share-blind LP would not), no
 * job dependencies, no approval gates, exact runtime estimates (no safety margin to add), and no
 * running tasks (a running task is pinned to its node; the fluid instance would spread it).
 */
function localOnlyReasons(s: Snapshot): Snapshot {
  return {
    ...s,
    clients: s.clients.map((c) => ({ ...c, guaranteedShare: 0, maxShare: 1 })),
    nodes: s.nodes.map((n) => ({ ...n, leases: [] })),
    jobs: s.jobs.map((j) => ({ ...j, dependsOn: [], preview: { ...j.preview, approval: "not-required" }, steps: j.steps.map((st) => ({ ...st, runtimeSpread: 0, runningTasks: 0 })) })),
  };
}
