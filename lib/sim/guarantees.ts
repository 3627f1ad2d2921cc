/**
 * Client guarantee accounting (OpenCue subscription size, Kueue nominal quota): a client is
 * in violation while it runs fewer on-prem slots than min(guarantee, demand) AND capacity it
 * could have had was given away or left idle: an idle eligible slot, or a slot that another
 * client above its own guarantee started using after this client began waiting. Work
 * started before the client asked is not counted: nobody preempts a frame to rebalance.
 * A violation counts only beyond a grace of one planning interval plus the replan delay.
 */
import { eligibleFor, type RunnableStep } from "./runnable.ts";
import type { Ctx } from "./context.ts";

export class GuaranteeWatch {
  private waitingSince = new Map<string, number>();
  private violatingSince = new Map<string, number>();

  update(ctx: Ctx, rs: RunnableStep[], now: number): void {
    const onprem = [...ctx.st.nodes.values()].filter((n) => n.pool === "onprem" && n.status !== "offline" && n.status !== "disabled");
    const total = onprem.reduce((s, n) => s + n.slots, 0);
    const used = new Map<string, number>();
    for (const n of onprem) for (const a of n.running) {
      const c = ctx.st.jobs.get(a.jobId)!.job.clientId;
      used.set(c, (used.get(c) ?? 0) + 1);
    }
    const guar = (c: string): number => Math.floor((ctx.st.clients.get(c)?.guaranteedShare ?? 0) * total + 1e-9);
    for (const client of ctx.st.clients.values()) {
      const c = client.id;
      const mine = rs.filter((r) => r.job.job.clientId === c);
      const pending = mine.reduce((s, r) => s + (onprem.some((n) => eligibleFor(n, r)) ? r.pending : 0), 0);
      const u = used.get(c) ?? 0;
      const want = Math.min(guar(c), u + pending);
      if (u >= want || pending === 0) { this.waitingSince.delete(c); this.violatingSince.delete(c); continue; }
      const since = this.waitingSince.get(c) ?? now;
      this.waitingSince.set(c, since);
      const reclaimable = onprem.some((n) => {
        if (!mine.some((r) => eligibleFor(n, r))) return false;
        if (n.status === "ready" && n.running.length < n.slots) return true;
        return n.running.some((a) => {
          const d = ctx.st.jobs.get(a.jobId)!.job.clientId;
          return d !== c && a.startedAt >= since && (used.get(d) ?? 0) > guar(d);
        });
      });
      if (reclaimable) { if (!this.violatingSince.has(c)) this.violatingSince.set(c, now); }
      else this.violatingSince.delete(c);
    }
  }

  /** Client-seconds in violation over [from, to), grace excluded. */
  integrate(ctx: Ctx, from: number, to: number): number {
    const graceMs = (ctx.sc.planIntervalSec + ctx.sc.replanDelaySec) * 1000;
    let sec = 0;
    for (const since of this.violatingSince.values()) {
      const start = Math.max(from, since + graceMs);
      if (to > start) sec += (to - start) / 1000;
    }
    return sec;
  }
}
