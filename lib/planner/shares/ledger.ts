import type { Client, ClientShare, FarmNode } from "../types.ts";

/**
 * On-prem slots per client: guarantee, cap, demand and use (OpenCue subscriptions: size and
 * burst; Kueue cohorts: nominal quota and borrowing limit). Use counts leases that keep running
 * past the pre-assignment window plus this cycle's placements, so slots whose task ends soon are
 * up for grabs again — borrowed capacity returns to its owner at a task boundary.
 */
export class ShareLedger {
  readonly totalSlots: number;
  private readonly guaranteed = new Map<string, number>();
  private readonly max = new Map<string, number>();
  private readonly used = new Map<string, number>();
  private readonly demand = new Map<string, number>();
  readonly warnings: string[] = [];

  constructor(
    private readonly clients: readonly Client[],
    onpremNodes: readonly FarmNode[],
    clientOfJob: (jobId: string) => string | undefined,
    staysBusy: (lease: FarmNode["leases"][number]) => boolean,
  ) {
    const live = onpremNodes.filter((n) => n.status === "ready" || n.status === "draining");
    this.totalSlots = live.reduce((t, n) => t + n.slots, 0);
    const sumG = clients.reduce((t, c) => t + Math.max(0, c.guaranteedShare), 0);
    const scale = sumG > 1 ? 1 / sumG : 1;
    if (sumG > 1) this.warnings.push(`guaranteed shares add up to ${(sumG * 100).toFixed(0)}%; scaled down to fit 100%`);
    for (const c of clients) {
      const g = Math.floor(Math.max(0, c.guaranteedShare) * scale * this.totalSlots + 1e-9);
      this.guaranteed.set(c.id, g);
      this.max.set(c.id, Math.max(g, Math.floor(Math.min(1, Math.max(0, c.maxShare)) * this.totalSlots + 1e-9)));
    }
    for (const n of live) {
      for (const l of n.leases) {
        const client = clientOfJob(l.jobId);
        if (client !== undefined && staysBusy(l)) this.add(client, 1);
      }
    }
  }

  guaranteeOf(clientId: string): number { return this.guaranteed.get(clientId) ?? 0; }

  /** Each client's guaranteed fraction of on-prem slots, after scaling to fit 100%. */
  guaranteeFractions(): Map<string, number> {
    const sumG = this.clients.reduce((t, c) => t + Math.max(0, c.guaranteedShare), 0);
    const scale = sumG > 1 ? 1 / sumG : 1;
    return new Map(this.clients.map((c) => [c.id, Math.max(0, c.guaranteedShare) * scale]));
  }
  maxOf(clientId: string): number { return this.max.get(clientId) ?? this.totalSlots; }
  usedBy(clientId: string): number { return this.used.get(clientId) ?? 0; }
  add(clientId: string, slots: number): void { this.used.set(clientId, this.usedBy(clientId) + slots); }
  setDemand(clientId: string, slots: number): void { this.demand.set(clientId, slots); }
  demandOf(clientId: string): number { return this.demand.get(clientId) ?? 0; }

  /** Guarantee pass: room left below min(guarantee, demand). */
  belowGuarantee(clientId: string): boolean {
    return this.usedBy(clientId) < Math.min(this.guaranteeOf(clientId), this.demandOf(clientId));
  }

  /** Lending pass: room left below the client's cap. */
  belowMax(clientId: string): boolean {
    return this.usedBy(clientId) < this.maxOf(clientId);
  }

  report(): ClientShare[] {
    return this.clients.map((c) => ({
      clientId: c.id,
      guaranteedSlots: this.guaranteeOf(c.id),
      maxSlots: this.maxOf(c.id),
      demandSlots: this.demandOf(c.id),
      usedSlots: this.usedBy(c.id),
      borrowedSlots: Math.max(0, this.usedBy(c.id) - this.guaranteeOf(c.id)),
    }));
  }
}
