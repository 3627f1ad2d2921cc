/**
 * Client guarantee accounting (OpenCue subscription size, Kueue nominal quota), the same for
 * every policy. A client with guaranteed share g is owed
 *   owed = min(⌊g × on-prem slots⌋, demand, eligible slots)
 * where demand = its tasks running on-prem + its pending tasks that could start now (submitted,
 * not suspended, dependencies met) — work a plan deferred or held back COUNTS: deferring a
 * client does not stop owing it — and eligible slots = the on-prem slots (not offline or
 * disabled) that can run some of that pending work (a GPU-only client is not owed CPU slots).
 * It is under-served while it runs fewer on-prem slots than owed AND capacity it could have had
 * was free or borrowed: an eligible slot idle (a ready node's free slot, or an asleep node, which
 * could be woken) or an eligible slot running another client above its own guarantee that
 * started after this client began waiting (nobody preempts a frame to rebalance). The metric is
 * client-time under-served, beyond a grace of one planning interval plus the replan delay.
 */
import { eligibleFor, type RunnableStep } from "./runnable.ts";
import type { NodeState } from "./state.ts";
import type { FarmView } from "./farm-view.ts";

const counted = (n: NodeState): boolean => n.pool === "onprem" && n.status !== "offline" && n.status !== "disabled";

export class GuaranteeWatch {
  private waitingSince = new Map<string, number>();
  private violatingSince = new Map<string, number>();

  /** `demand`: runnable steps with held work included (runnableSteps(view, { includeHeld: true })). */
  update(view: FarmView, demand: RunnableStep[], now: number): void {
    const onprem = [...view.st.nodes.values()].filter(counted);
    const total = onprem.reduce((s, n) => s + n.slots, 0);
    const used = new Map<string, number>();
    for (const n of onprem) for (const a of n.running) {
      const c = view.st.jobs.get(a.jobId)!.job.clientId;
      used.set(c, (used.get(c) ?? 0) + 1);
    }
    const guar = (c: string): number => Math.floor((view.st.clients.get(c)?.guaranteedShare ?? 0) * total + 1e-9);
    for (const client of view.st.clients.values()) {
      const c = client.id;
      const mine = demand.filter((r) => r.job.job.clientId === c);
      const fits = (n: NodeState): boolean => mine.some((r) => eligibleFor(n, r));
      const eligibleSlots = onprem.reduce((s, n) => s + (fits(n) ? n.slots : 0), 0);
      const pending = mine.reduce((s, r) => s + (onprem.some((n) => eligibleFor(n, r)) ? r.pending : 0), 0);
      const u = used.get(c) ?? 0;
      const owed = Math.min(guar(c), u + pending, eligibleSlots);
      if (u >= owed || pending === 0) { this.waitingSince.delete(c); this.violatingSince.delete(c); continue; }
      const since = this.waitingSince.get(c) ?? now;
      this.waitingSince.set(c, since);
      const reclaimable = onprem.some((n) => {
        if (!fits(n)) return false;
        if (n.status === "asleep") return true;
        if (n.status === "ready" && n.running.length < n.slots) return true;
        return n.running.some((a) => {
          const d = view.st.jobs.get(a.jobId)!.job.clientId;
          return d !== c && a.startedAt >= since && (used.get(d) ?? 0) > guar(d);
        });
      });
      if (reclaimable) { if (!this.violatingSince.has(c)) this.violatingSince.set(c, now); }
      else this.violatingSince.delete(c);
    }
  }

  /** Client-seconds in violation over [from, to), grace excluded. */
  integrate(view: FarmView, from: number, to: number): number {
    const graceMs = (view.sc.planIntervalSec + view.sc.replanDelaySec) * 1000;
    let sec = 0;
    for (const since of this.violatingSince.values()) {
      const start = Math.max(from, since + graceMs);
      if (to > start) sec += (to - start) / 1000;
    }
    return sec;
  }
}
