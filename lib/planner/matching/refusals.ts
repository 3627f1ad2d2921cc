/**
 * When a node refuses a job — the one rule, asked by dispatch (slot-pools.ts), the LP's capacity
 * (lp/refusals.ts), the tail rules and the "why" — and when a refusal is forgiven.
 *
 * A node refuses a job it is blocklisted for by hand, or after `blocklistAfter` failures of the
 * job there (Flamenco's blocklist; the service also writes those into the node's blocklist, so an
 * entry backed by that many failures is the automatic kind). Failures are evidence, not a verdict:
 * if every node that could run the job refuses it for failures, the job would sit forever beside
 * idle nodes (seen in the demo: 59/60 frames, four idle nodes, 30+ farm minutes). Deadline's bad-
 * worker detection stops blocking workers when too many are blocked for a job; here the node with
 * the fewest failures for the job (ties: lowest id) is accepted again. That is bounded: each
 * further failure counts against the task's attempts (`retriesPerTask`) and the job's errors
 * (`errorsPerJob`), so the job finishes or fails with a reason — it never sits. Refusals by hand
 * are never forgiven.
 */
import type { FarmNode, Job } from "../types.ts";
import type { NodeClass } from "./node-classes.ts";

/** How a job is refused this cycle: the failure limit and, when every node refuses it, the node forgiven. */
export interface Refusal {
  after: number;
  forgiven?: FarmNode | undefined;
}

type NodeRecord = Pick<FarmNode, "blocklist" | "failuresByJob">;
const failuresOf = (n: NodeRecord, job: Pick<Job, "id">) => n.failuresByJob?.[job.id] ?? 0;

/** Blocklisted for the job without the failures that blocklist automatically: an operator's word. */
export function refusesByHand(n: NodeRecord, job: Pick<Job, "id">, after: number): boolean {
  return n.blocklist.includes(job.id) && failuresOf(n, job) < after;
}

/** The node refuses the job for its record with it: blocklisted by hand, or after repeated failures (unless forgiven). */
export function nodeRefuses(n: FarmNode, job: Job, r: Refusal): boolean {
  if (n === r.forgiven) return false;
  return n.blocklist.includes(job.id) || failuresOf(n, job) >= r.after;
}

interface OpenStep { live: number; blocked: string | null; eligible: readonly NodeClass[] }

/**
 * Every node of the classes that could run the job's open steps refuses it: it can run nowhere on
 * the farm as it is, however idle. The first accepting node ends the scan, so a job most nodes
 * accept costs a node or two.
 */
export function refusedEverywhere(steps: readonly OpenStep[], job: Job, r: Refusal): boolean {
  let open = 0;
  for (const st of steps) {
    if (st.live <= 0 || st.blocked || st.eligible.length === 0) continue;
    open++;
    for (const c of st.eligible) for (const n of c.nodes) if (!nodeRefuses(n, job, r)) return false;
  }
  return open > 0;
}

/**
 * The node accepted again when every node refuses the job and some refuse only for failures: the
 * one with the fewest failures for it (ties: lowest id) among those that can take work (ready,
 * asleep or booting). None when a node still accepts it, or every refusal is by hand.
 */
export function forgivenNode(steps: readonly OpenStep[], job: Job, after: number): FarmNode | undefined {
  if (!refusedEverywhere(steps, job, { after })) return undefined;
  let best: FarmNode | undefined;
  for (const st of steps) {
    if (st.live <= 0 || st.blocked) continue;
    for (const c of st.eligible) {
      for (const n of c.nodes) {
        if (n.status !== "ready" && n.status !== "asleep" && n.status !== "booting") continue;
        if (refusesByHand(n, job, after)) continue;
        if (n.pool === "cloud" && n.clientId !== undefined && n.clientId !== job.clientId) continue;
        if (!best || failuresOf(n, job) < failuresOf(best, job) || (failuresOf(n, job) === failuresOf(best, job) && n.id < best.id)) best = n;
      }
    }
  }
  return best;
}
