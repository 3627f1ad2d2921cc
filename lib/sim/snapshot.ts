/**
 * Sim state → the planner's Snapshot, exactly what the service would read from DynamoDB:
 * jobs as aggregates (pending ranges, running and done counts), nodes with leases, clients
 * with budget left. True runtimes stay hidden: the estimate and what finished tasks measured are visible.
 */
import type { FarmNode, Job, Policy, Snapshot } from "../planner/index.ts";
import { activeJobs, leaseOf, pendingRanges, type NodeState, type SimState } from "./state.ts";
import type { Scenario, SimOptions } from "./types.ts";

function jobView(st: SimState, id: string): Job {
  const j = st.jobs.get(id)!;
  const failedAttempts = (k: number): Record<number, number> | undefined => {
    const s = j.steps[k]!;
    let out: Record<number, number> | undefined;
    for (let i = 0; i < s.attempts.length; i++) {
      if (s.attempts[i]! > 0) (out ??= {})[i] = s.attempts[i]!;
    }
    return out;
  };
  return {
    ...j.job,
    dependsOn: j.job.dependsOn.filter((d) => st.jobs.get(d)?.finishedAt == null),
    errorCount: j.errorCount,
    steps: j.steps.map((s, k) => {
      const fa = failedAttempts(k);
      return {
        ...s.spec,
        pending: pendingRanges(s),
        runningTasks: s.running,
        doneTasks: s.done,
        ...(s.measured.tasks > 0 ? { measured: { ...s.measured } } : {}),
        ...(fa ? { failedAttempts: fa } : {}),
      };
    }),
  };
}

function nodeView(st: SimState, n: NodeState, policy: Policy, opts: SimOptions): FarmNode {
  const node: FarmNode = {
    id: n.id, pool: n.pool, status: n.status, capabilities: n.capabilities,
    tags: opts.kindBlind ? [] : n.tags,
    speed: opts.kindBlind ? {} : n.speed,
    slots: n.slots, powerIdleW: n.powerIdleW, powerBusyW: n.powerBusyW,
    leases: n.running.map((a) => leaseOf(st, a, policy.leaseSec)),
    blocklist: [...n.blocklist],
    failuresByJob: { ...n.failuresByJob },
  };
  if (n.idleSince !== null) node.idleSince = n.idleSince;
  if (n.readyAt !== null) node.readyAt = n.readyAt;
  if (n.pool === "cloud") {
    node.instanceType = n.instanceType!;
    node.market = n.market!;
    node.pricePerHour = n.pricePerHour!;
    if (n.clientId) node.clientId = n.clientId;
    if (n.awaitingFirstTask) node.awaitingFirstTask = true;
  }
  return node;
}

export function toSnapshot(st: SimState, sc: Scenario, policy: Policy, opts: SimOptions): Snapshot {
  const jobs = activeJobs(st).map((j) => jobView(st, j.job.id));
  const nodes: FarmNode[] = [];
  for (const n of st.nodes.values()) {
    if (n.status === "offline" && n.pool === "cloud") continue;
    nodes.push(nodeView(st, n, policy, opts));
  }
  return {
    jobs,
    nodes,
    clients: [...st.clients.values()].map((c) => ({ ...c })),
    tariff: sc.tariff,
    cloudOffers: opts.kindBlind ? sc.cloudOffers.map((o) => ({ ...o, speed: {} })) : sc.cloudOffers,
  };
}
