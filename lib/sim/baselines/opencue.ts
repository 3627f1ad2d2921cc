/**
 * `opencue` — OpenCue-like subscriptions: each client (show) has a size (guaranteed share of
 * on-prem slots) and a burst (most it may hold). A free host goes first to the client
 * furthest below its size, then to clients still under burst (least used relative to size);
 * clients at burst get nothing on-prem. Within a client: priority, then submission (OpenCue's
 * job priority + FIFO). Kind-blind, never bursts to cloud. Source: OpenCue Cuebot booking
 * (subscriptions, `show.subscription.size/burst`).
 */
import type { Plan, Policy, Snapshot } from "../../planner/index.ts";
import { basePlan, cursors, decisions, dispatch, type Cursor } from "./dispatch.ts";

export function opencue(snapshot: Snapshot, policy: Policy, now: number): Plan {
  const onprem = snapshot.nodes.filter((n) => n.pool === "onprem" && n.status !== "offline" && n.status !== "disabled");
  const total = onprem.reduce((s, n) => s + n.slots, 0);
  const used = new Map<string, number>();
  const jobClient = new Map(snapshot.jobs.map((j) => [j.id, j.clientId]));
  for (const n of onprem) for (const l of n.leases) {
    const c = jobClient.get(l.jobId);
    if (c) used.set(c, (used.get(c) ?? 0) + 1);
  }
  const client = (id: string) => snapshot.clients.find((c) => c.id === id);
  const size = (id: string) => Math.max(0, (client(id)?.guaranteedShare ?? 0) * total);
  const burst = (id: string) => (client(id)?.maxShare ?? 1) * total;
  const withinClient = (a: Cursor, b: Cursor) => b.job.priority - a.job.priority || a.job.submittedAt - b.job.submittedAt || (a.job.id < b.job.id ? -1 : 1);
  const all = cursors(snapshot).sort((a, b) => a.job.clientId.localeCompare(b.job.clientId) || withinClient(a, b));
  const { assignments } = dispatch(snapshot, policy, now, (node, cands) => {
    const onPrem = node.pool === "onprem";
    const open = cands.filter((c) => !onPrem || (used.get(c.job.clientId) ?? 0) < burst(c.job.clientId));
    const rank = (c: Cursor): [number, number] => {
      const u = used.get(c.job.clientId) ?? 0;
      const s = size(c.job.clientId);
      return [u < s ? 0 : 1, s > 0 ? u / s : Number.MAX_SAFE_INTEGER];
    };
    const best = open.sort((a, b) => {
      const ra = rank(a), rb = rank(b);
      return ra[0] - rb[0] || ra[1] - rb[1] || a.job.clientId.localeCompare(b.job.clientId) || withinClient(a, b);
    })[0];
    if (best && onPrem) used.set(best.job.clientId, (used.get(best.job.clientId) ?? 0) + 1);
    return best;
  }, all);
  return basePlan(now, assignments, decisions(snapshot, all));
}
