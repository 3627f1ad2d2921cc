import { describe, expect, it } from "vitest";
import { defaultPolicy } from "../../../lib/planner/index.ts";
import { buildSnapshot } from "../../../lib/service/snapshot.ts";
import type { JobRecord, LeaseRecord, NodeRecord } from "../../../lib/service/model.ts";

const T = 1_700_000_000_000;
const lease = (over: Partial<LeaseRecord>): LeaseRecord => ({ taskIndex: 0, nodeId: "n1", token: "t", attempt: 1, grantedAt: T, expiresAt: T + 120_000, expectedEndAt: T + 60_000, queued: false, ...over });

function job(id: string, over: Partial<JobRecord> = {}): JobRecord {
  return {
    id, clientId: "A", name: id, priority: 50, submittedAt: T, deadlineAt: null, status: "running",
    steps: [{
      name: "render", dependsOn: [], kind: "render-cpu", role: "final", taskCount: 10, framesPerTask: 1, frames: null, parameterSpace: null,
      secondsPerFrame: 60, runtimeSpread: 0.2, requirements: {}, checkpointable: false,
      pending: [{ from: 3, to: 9 }], leases: [lease({ taskIndex: 1, token: "held" }), lease({ taskIndex: 2, nodeId: "n2", token: "other" })],
      done: [{ from: 0, to: 0 }], exhausted: [], failedAttempts: { "2": 1 },
    }],
    dependsOn: [], energyIntensive: false, preview: { previewFirst: true, approval: "pending", lowQualityPass: null },
    errorCount: 1, cloudAllowed: true, suspended: false, source: "native", idempotencyKey: null, requestHash: "", finishedAt: null,
    version: 3, ...over,
  };
}

function node(id: string, over: Partial<NodeRecord> = {}): NodeRecord {
  return {
    id, pool: "onprem", status: "ready", capabilities: { vcpu: 8, memoryGiB: 32, gpuCount: 0, os: "linux", cpuArch: "x86_64" },
    tags: [], speed: {}, slots: 1, powerIdleW: 100, powerBusyW: 300, blocklist: [], hostname: id, registeredAt: T, lastSeenAt: T,
    agentVersion: null, metrics: null, holding: [], desiredStatus: "run", inbox: [], version: 1, ...over,
  };
}

describe("the planner snapshot built from stored records", () => {
  const now = T + 200_000;
  const snapshot = buildSnapshot({
    jobs: [job("j1", { dependsOn: ["done-job", "failed-job"] })],
    finishedDeps: new Map([["done-job", job("done-job", { status: "done" })], ["failed-job", job("failed-job", { status: "failed" })]]),
    nodes: [
      node("n1", { lastSeenAt: T + 190_000, holding: [{ taskId: "j1:render:1", token: "held", progress: 0.5 }] }),
      node("n2", { lastSeenAt: T }),
    ],
    clients: [{ id: "A", name: "A", guaranteedShare: 0.5, maxShare: 1, cloudAllowed: true, cloudBudgetLeft: 10, cloudBudgetPerMonth: 10, createdAt: T, version: 1 }],
    settings: { tariff: null, cloudOffers: [], policy: defaultPolicy },
    pendingBurst: [],
    now,
  });

  it("gives each node the leases held on the jobs, renewed by its polls", () => {
    const [n1, n2] = snapshot.nodes;
    expect(n1!.leases).toEqual([expect.objectContaining({ taskId: "j1:render:1", expiresAt: T + 190_000 + 120_000 })]);
    expect(n2!.leases).toEqual([expect.objectContaining({ taskId: "j1:render:2", expiresAt: T + 120_000 })]);
  });

  it("marks a node silent for a lease period as offline", () => {
    expect(snapshot.nodes.map((n) => n.status)).toEqual(["ready", "offline"]);
  });

  it("hands jobs over as aggregates; done prerequisites are dropped, failed ones block the job", () => {
    const [j] = snapshot.jobs;
    expect(j!.steps[0]).toMatchObject({ pending: [{ from: 3, to: 9 }], runningTasks: 2, doneTasks: 1, failedAttempts: { 2: 1 } });
    expect(j!.dependsOn).toEqual([]);
    expect(j!.blockedBy).toEqual([{ jobId: "failed-job", status: "failed" }]);
    expect(j!.preview).toEqual({ previewFirst: true, approval: "pending" });
  });
});

describe("the farm's cloud ceiling in the snapshot", () => {
  const base = { jobs: [], finishedDeps: new Map(), nodes: [], clients: [], settings: { tariff: null, cloudOffers: [], policy: defaultPolicy }, pendingBurst: [], now: T };

  it("carries the deployment's ceiling to the planner, and none when none is configured", () => {
    expect(buildSnapshot({ ...base, cloudLimits: { maxSpendPerHour: 12.5, maxInstances: 3 } }).cloudLimits).toEqual({ maxSpendPerHour: 12.5, maxInstances: 3 });
    expect(buildSnapshot(base)).not.toHaveProperty("cloudLimits");
  });
});

describe("cloud nodes in the snapshot", () => {
  const settings = { tariff: null, cloudOffers: [], policy: defaultPolicy };
  const cloud = (id: string, over: Partial<NodeRecord> = {}) => node(id, {
    pool: "cloud", instanceType: "c6i.8xlarge", market: "spot", pricePerHour: 0.5, clientId: "A",
    cloud: { requestKey: "k", launchedAt: T, jobIds: [], round: 0 }, ...over,
  });
  const build = (nodes: NodeRecord[], now: number) => buildSnapshot({ jobs: [], finishedDeps: new Map(), nodes, clients: [], settings, pendingBurst: undefined, now });

  it("counts a booting node as booting (with its ready time) until well past it, not offline", () => {
    const booting = cloud("i-1", { status: "booting", readyAt: T + 300_000 });
    expect(build([booting], T + 250_000).nodes[0]).toMatchObject({ status: "booting", readyAt: T + 300_000 });
    expect(build([booting], T + 300_000 + defaultPolicy.leaseSec * 1000 + 1).nodes[0]!.status).toBe("offline");
  });

  it("limits a node with a rebalance recommendation to tasks of one checkpoint interval", () => {
    const [risky, fine] = build([cloud("i-2", { cloud: { requestKey: "k", launchedAt: T, jobIds: [], round: 0, rebalanceAt: T } }), cloud("i-3")], T).nodes;
    expect(risky!.maxTaskSec).toBe(defaultPolicy.burst.checkpointIntervalSec);
    expect(fine!.maxTaskSec).toBeUndefined();
  });
});
