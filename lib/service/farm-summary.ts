/** The wrangler's dashboard: nodes, utilization, open jobs, deadlines at risk, costs today, cloud spend against the ceiling. */
import { assertOperator, type Actor } from "./actor.ts";
import type { ServiceDeps } from "./ports.ts";
import { isLiveCloud } from "./capacity/guards.ts";
import { dayOf } from "./usage.ts";
import type { FarmSummary } from "./views.ts";

export async function farmSummary(deps: ServiceDeps, actor: Actor): Promise<FarmSummary> {
  assertOperator(actor, "the farm summary");
  const now = deps.clock.now();
  const [nodes, jobs, clients, plan, pending, settings] = await Promise.all([
    deps.nodes.list(), deps.jobs.listActive(), deps.clients.list(), deps.plans.latest(), deps.plans.pendingBurst(), deps.plans.settings(),
  ]);
  const silent = (lastSeenAt: number) => now - lastSeenAt > settings.policy.leaseSec * 1000;
  const leasesByNode = new Map<string, number>();
  for (const j of jobs) for (const s of j.steps) for (const l of s.leases) leasesByNode.set(l.nodeId, (leasesByNode.get(l.nodeId) ?? 0) + 1);
  const usable = nodes.filter((n) => (n.status === "ready" || n.status === "draining") && !silent(n.lastSeenAt));
  const slots = usable.reduce((s, n) => s + n.slots, 0);
  const busySlots = usable.reduce((s, n) => s + Math.min(n.slots, leasesByNode.get(n.id) ?? 0), 0);
  const today = dayOf(now);
  const usage = (await Promise.all(clients.map((c) => deps.usage.days(c.id, today, today)))).flat();
  const sum = (k: "cloudCost" | "energyCost" | "energyKWh" | "cloudNodeHours" | "onpremNodeHours") => usage.reduce((s, u) => s + (u[k] ?? 0), 0);
  const byId = new Map(jobs.map((j) => [j.id, j]));
  return {
    at: new Date(now).toISOString(),
    nodes: {
      total: nodes.length, ready: nodes.filter((n) => n.status === "ready").length,
      busy: [...leasesByNode.keys()].length, draining: nodes.filter((n) => n.status === "draining").length,
      disabled: nodes.filter((n) => n.status === "disabled").length,
      offline: nodes.filter((n) => n.status === "offline" || silent(n.lastSeenAt)).length,
      cloud: nodes.filter((n) => n.pool === "cloud").length,
    },
    utilization: slots === 0 ? 0 : busySlots / slots,
    jobs: {
      active: jobs.length, queued: jobs.filter((j) => j.status === "queued").length,
      running: jobs.filter((j) => j.status === "running").length, suspended: jobs.filter((j) => j.status === "suspended").length,
    },
    deadlinesAtRisk: (plan?.decisions ?? []).filter((d) => d.atRisk && byId.has(d.jobId)).map((d) => {
      const j = byId.get(d.jobId)!;
      return { jobId: j.id, clientId: j.clientId, name: j.name, deadline: j.deadlineAt === null ? null : new Date(j.deadlineAt).toISOString(), reason: d.reason };
    }),
    costsToday: { cloudCost: sum("cloudCost"), energyCost: sum("energyCost"), energyKWh: sum("energyKWh"), cloudNodeHours: sum("cloudNodeHours"), onpremNodeHours: sum("onpremNodeHours") },
    pendingBurst: pending.reduce((s, p) => s + p.count, 0),
    lastPlanAt: plan ? new Date(plan.at).toISOString() : null,
    // Counted as the capacity guards count them (launch to termination), so the view and the ceiling agree.
    cloud: {
      livePerHour: nodes.filter(isLiveCloud).reduce((s, n) => s + (n.pricePerHour ?? 0), 0),
      liveInstances: nodes.filter(isLiveCloud).length,
      limits: { maxSpendPerHour: deps.cloudLimits?.maxSpendPerHour ?? null, maxInstances: deps.cloudLimits?.maxInstances ?? null },
    },
  };
}
