/**
 * Lapsed leases return their tasks to pending (and agents' reports are folded), outside a
 * planning cycle — the same stage 3 the cycle runs (tasks/fold-task-reports.ts). Each shard is
 * a conditional write, so a completion racing the reclaim is settled one way: either the report
 * lands first (task done) or the reclaim does (the late report is stale and the agent is told
 * to stop). Never both, never neither.
 */
import type { Actor } from "./actor.ts";
import type { JobRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";
import { foldTaskReports } from "./tasks/fold-task-reports.ts";

export async function reclaimExpiredLeases(
  deps: ServiceDeps, _input: Record<string, never> = {},
  _actor: Actor = { kind: "system", component: "lease-reclaimer" },
): Promise<{ reclaimed: number; jobs: JobRecord[]; warnings: string[] }> {
  const [settings, nodes, active] = await Promise.all([deps.plans.settings(), deps.nodes.list(), deps.jobs.listActiveWithOrphans()]);
  const r = await foldTaskReports(deps, { ...active, nodes, settings, now: deps.clock.now() });
  return { reclaimed: r.expired, jobs: r.jobs, warnings: r.warnings };
}
