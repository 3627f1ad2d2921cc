/**
 * What a settled attempt teaches: the node's measured speed for the step's kind (3Sigma:
 * estimates are often off by 2×, so learn per kind, per node), its failures per job (blocklist
 * after `blocklistAfter`, as Flamenco does), and the client's cloud budget spent.
 */
import type { Policy } from "../planner/index.ts";
import type { NodeRecord, StepRecord } from "./model.ts";
import type { ServiceDeps } from "./ports.ts";

/** Weight of the newest measurement in the moving average. */
const speedAlpha = 0.3;

export function learnedNode(n: NodeRecord, x: {
  jobId: string; step: Pick<StepRecord, "kind" | "secondsPerFrame" | "framesPerTask">; outcome: "succeeded" | "failed" | "interrupted"; seconds: number; policy: Policy;
}): NodeRecord | null {
  if (x.outcome === "succeeded" && x.seconds > 0) {
    const expected = x.step.secondsPerFrame * x.step.framesPerTask;
    const measured = Math.min(10, Math.max(0.1, expected / x.seconds));
    const old = n.speed[x.step.kind];
    const speed = old === undefined ? measured : old + speedAlpha * (measured - old);
    return { ...n, speed: { ...n.speed, [x.step.kind]: Math.round(speed * 1000) / 1000 } };
  }
  if (x.outcome === "failed") {
    const failures = (n.failuresByJob?.[x.jobId] ?? 0) + 1;
    const blocklist = failures >= x.policy.failures.blocklistAfter && !n.blocklist.includes(x.jobId) ? [...n.blocklist, x.jobId] : n.blocklist;
    return { ...n, failuresByJob: { ...n.failuresByJob, [x.jobId]: failures }, blocklist };
  }
  return null;
}

export async function spendCloudBudget(deps: ServiceDeps, clientId: string, cost: number): Promise<void> {
  if (cost <= 0) return;
  await deps.clients.update(clientId, (c) => ({ next: { ...c, cloudBudgetLeft: Math.max(0, c.cloudBudgetLeft - cost) }, result: null }));
}
