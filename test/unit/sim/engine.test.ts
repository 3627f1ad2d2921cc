import { describe, expect, it } from "vitest";
import type { Plan, Policy, Snapshot } from "../../../lib/planner/index.ts";
import { defaultPolicy, plan } from "../../../lib/planner/index.ts";
import { simulate, type PlanFn } from "../../../lib/sim/index.ts";
import { fifo } from "../../../lib/sim/baselines/fifo.ts";
import { HOUR, T0, client, gpuNode, job, node, offer, scenario } from "./tiny.ts";

const empty = (now: number): Plan => ({ at: now, jobs: [], assignments: [], preemptions: [], burst: [], nodeActions: [], shares: [], warnings: [] });

describe("the engine applies plans the way agents would", () => {
  it("refuses an assignment the node cannot run and counts it", () => {
    const bad: PlanFn = (s: Snapshot, _p: Policy, now: number) => ({
      ...empty(now),
      assignments: s.jobs.flatMap((j) => j.steps[0]!.pending.length ? [{ nodeId: "n1", jobId: j.id, stepName: "render", taskIndex: j.steps[0]!.pending[0]!.from, taskId: `${j.id}:render:0`, frames: 0, estimatedSec: 1, queued: false, reason: "bad" }] : []),
    });
    const sc = scenario({ nodes: [node("n1")], jobs: [job({ id: "g", tasks: 1, taskSec: 60, gpu: true })], endAt: T0 + HOUR });
    const res = simulate(sc, bad, defaultPolicy, "bad");
    expect(res.tally.rejectedAssignments).toBeGreaterThan(0);
    expect(res.jobs[0]!.finishedAt).toBeNull();
    expect(res.warnings[0]).toMatch(/requirements not met/);
  });

  it("shows the planner what finished tasks measured, in reference seconds, never the true runtime of pending ones", () => {
    const seen: (Snapshot["jobs"][number]["steps"][number]["measured"] | undefined)[] = [];
    const watching: PlanFn = (s, p, now) => { seen.push(s.jobs[0]?.steps[0]!.measured); return fifo(s, p, now); };
    // Frames run 30% over their 600 s estimate on a node of speed 2 for the kind: 390 s each.
    const sc = scenario({ nodes: [node("n1", { speed: { "render-cpu": 2 } })], jobs: [{ ...job({ id: "j", tasks: 3, taskSec: 600 }), trueRuntimeFactor: 1.3 }] });
    simulate(sc, watching, defaultPolicy, "watch");
    expect(seen[0]).toBeUndefined();
    const last = seen.filter((m) => m !== undefined).at(-1)!;
    expect(last.tasks).toBe(2);
    expect(last.refSec / last.tasks).toBeCloseTo(780, 0);
    expect(last.refSecSq / last.tasks).toBeCloseTo(780 * 780, -1);
  });

  it("requeues the work of a crashed node and finishes it elsewhere", () => {
    const sc = scenario({
      nodes: [node("n1"), node("n2")], jobs: [job({ id: "j", tasks: 1, taskSec: 3600 })],
      events: [{ at: T0 + 0.5 * HOUR, type: "crash", nodeId: "n1", downSec: 6 * HOUR }],
    });
    const res = simulate(sc, fifo, defaultPolicy, "fifo", { recordAttempts: true });
    expect(res.attempts!.map((a) => [a.nodeId, a.ended])).toEqual([["n1", "lost"], ["n2", "ok"]]);
    // Not checkpointable: the second attempt starts from scratch, at the minute tick that
    // coincides with the crash.
    expect(res.jobs[0]!.finishedAt).toBe(T0 + 1.5 * HOUR);
  });

  it("keeps checkpointed progress when the planner preempts checkpointable work", () => {
    let preempted = false;
    const preempting: PlanFn = (s, p, now) => {
      const base = fifo(s, p, now);
      const lease = s.nodes.find((n) => n.id === "n1")?.leases[0];
      if (!preempted && lease && now >= T0 + 0.5 * HOUR) {
        preempted = true;
        return { ...base, assignments: [], preemptions: [{ nodeId: "n1", taskId: lease.taskId, reason: "test" }] };
      }
      return base;
    };
    const sc = scenario({ nodes: [node("n1")], jobs: [job({ id: "j", tasks: 1, taskSec: 3600, checkpointable: true })] });
    const res = simulate(sc, preempting, defaultPolicy, "preempting");
    // Half done at 30 min; restarted by the next minute tick with half left.
    expect(res.jobs[0]!.finishedAt).toBe(T0 + HOUR + 60_000);
  });

  it("fails a job whose task exhausts its retries", () => {
    const faults = { frameErrorRate: 1, corruptOutputRate: 0, nodeCrashPerHour: 0, crashDownSec: 0 };
    const sc = scenario({ nodes: [node("n1"), node("n2")], faults, jobs: [job({ id: "j", tasks: 1, taskSec: 600 })] });
    const res = simulate(sc, fifo, defaultPolicy, "fifo");
    expect(res.jobs[0]!.failed).toBe(true);
    expect(res.tally.taskErrors).toBe(defaultPolicy.failures.retriesPerTask); // the service's rule: the 3rd failure exhausts
  });

  it("blocklists a node for a job after repeated failures there", () => {
    const faults = { frameErrorRate: 1, corruptOutputRate: 0, nodeCrashPerHour: 0, crashDownSec: 0 };
    const sc = scenario({ nodes: [node("n1")], faults, jobs: [job({ id: "j", tasks: 1, taskSec: 600 })] });
    // More retries than the blocklist's count, so the blocklist acts first.
    const policy = { ...defaultPolicy, failures: { ...defaultPolicy.failures, retriesPerTask: defaultPolicy.failures.blocklistAfter + 2 } };
    const res = simulate(sc, fifo, policy, "fifo");
    // Three failures on n1 block it before the task's fourth attempt: the job waits, unfailed.
    expect(res.tally.taskErrors).toBe(defaultPolicy.failures.blocklistAfter);
    expect(res.jobs[0]!.failed).toBe(false);
    expect(res.jobs[0]!.finishedAt).toBeNull();
  });

  it("with the planner, a job its only node refuses for failures is tried there again until its task's attempts are spent: it fails, it never sits", () => {
    const faults = { frameErrorRate: 1, corruptOutputRate: 0, nodeCrashPerHour: 0, crashDownSec: 0 };
    const sc = scenario({ nodes: [node("n1")], faults, jobs: [job({ id: "j", tasks: 1, taskSec: 600 })] });
    const policy = { ...defaultPolicy, failures: { ...defaultPolicy.failures, retriesPerTask: defaultPolicy.failures.blocklistAfter + 2 } };
    const res = simulate(sc, (s, p, now) => plan(s, p, now), policy, "burstfarm-greedy");
    // The blocklist's three failures, then the two attempts the task has left, on the forgiven node.
    expect(res.tally.taskErrors).toBe(policy.failures.retriesPerTask);
    expect(res.jobs[0]!.failed).toBe(true);
  });

  it("applies deadline and priority edits mid-run, visible to the planner", () => {
    const seen: (number | null)[] = [];
    const spy: PlanFn = (s, p, now) => { seen.push(s.jobs[0]?.deadlineAt ?? null); return fifo(s, p, now); };
    const sc = scenario({
      nodes: [node("n1")], jobs: [job({ id: "j", tasks: 3, taskSec: 3600, due: T0 + 10 * HOUR })],
      events: [
        { at: T0 + HOUR + 1000, type: "deadline", jobId: "j", deadlineAt: T0 + 2 * HOUR },
        { at: T0 + HOUR + 2000, type: "priority", jobId: "j", priority: 99 },
      ],
    });
    const priorities: number[] = [];
    const res = simulate(sc, (s, p, now) => { if (s.jobs[0]) priorities.push(s.jobs[0].priority); return spy(s, p, now); }, defaultPolicy, "fifo");
    expect(priorities[0]).toBe(50);
    expect(priorities.at(-1)).toBe(99);
    expect(seen[0]).toBe(T0 + 10 * HOUR);
    expect(seen.filter((d) => d !== null).at(-1)).toBe(T0 + 2 * HOUR);
    expect(res.jobs[0]!.late).toBe(true);
  });

  it("boots burst nodes after bootSec, and a spot interruption requeues their work", () => {
    const burstOnce: PlanFn = (s, p, now) => {
      const base = fifo(s, p, now);
      return now === T0 ? { ...base, burst: [{ clientId: "A", instanceType: "c.test", market: "spot", count: 1, kind: "render-cpu", jobIds: ["j"], deadlineAt: now, estimatedCost: 1, reason: "t" }] } : base;
    };
    const sc = scenario({
      nodes: [gpuNode("g1")], clients: [client("A", { cloudAllowed: true, cloudBudgetLeft: 100 })],
      cloudOffers: [offer({ bootSec: 600, spotInterruptionPerHour: 50 })], jobs: [job({ id: "j", tasks: 1, taskSec: 3600, cloud: true, gpu: false })],
    });
    const res = simulate(sc, burstOnce, defaultPolicy, "burst-once", { recordAttempts: true });
    expect(res.tally.spotInterruptions).toBe(1);
    const cloud = res.attempts!.filter((a) => a.nodeId.startsWith("cloud"));
    expect(cloud.every((a) => a.startedAt >= T0 + 600_000)).toBe(true);
    expect(res.jobs[0]!.finishedAt).not.toBeNull();
  });

  it("counts a rented node released before its first task (rent, then release unused), which its cloud cost alone hides", () => {
    // Rent one node at T0; release every ready cloud node the plan sees idle: the node boots and goes unused.
    const rentThenRelease: PlanFn = (s, p, now) => ({
      ...empty(now),
      burst: now === T0 ? [{ clientId: "A", instanceType: "c.test", market: "on-demand", count: 1, kind: "render-cpu", jobIds: ["j"], deadlineAt: now, estimatedCost: 1, reason: "t" }] : [],
      nodeActions: s.nodes.filter((n) => n.pool === "cloud" && n.status === "ready" && n.leases.length === 0).map((n) => ({ nodeId: n.id, action: "release" as const, reason: "t" })),
      assignments: fifo(s, p, now).assignments.filter((a) => !a.nodeId.startsWith("cloud")),
    });
    const sc = scenario({
      nodes: [node("n1")], clients: [client("A", { cloudAllowed: true, cloudBudgetLeft: 100 })],
      cloudOffers: [offer({ bootSec: 600 })], jobs: [job({ id: "j", tasks: 2, taskSec: 3600, cloud: true })],
    });
    const res = simulate(sc, rentThenRelease, defaultPolicy, "rent-then-release");
    expect(res.tally.unusedRentals).toBe(1);
    expect(res.tally.cloudCost).toBeGreaterThan(0);
  });

  it("keeps planning for an hour after the last job, so the policy can power its idle nodes down", () => {
    // One 10-minute task, then 12 h of horizon: the planner powers the idle node down after 15 idle minutes.
    // Before, planning stopped at the last finish and the node stayed awake (available) to the end.
    const sc = scenario({ nodes: [node("n1")], jobs: [job({ id: "j", tasks: 1, taskSec: 600 })] });
    const res = simulate(sc, plan, defaultPolicy, "burstfarm");
    expect(res.jobs[0]!.finishedAt).not.toBeNull();
    expect(res.tally.availSlotSec).toBeLessThan(HOUR / 1000);
    expect(res.series.at(-1)!.availSlots).toBe(0);
  });
});
