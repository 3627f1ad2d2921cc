/**
 * Rented capacity: a burst request boots nodes that bill per second from the request,
 * become ready after the offer's boot time, and (spot) may be interrupted with a 2-minute
 * notice, at a rate from the Spot Advisor bucket. Per-client budgets are hard: a client
 * that has spent its budget gets no new nodes and its running ones are stopped.
 */
import type { BurstRequest } from "../planner/index.ts";
import { exponential, hashSeed, mulberry32 } from "./rng.ts";
import { abandonAll } from "./tasks.ts";
import type { NodeState } from "./state.ts";
import type { Ctx } from "./context.ts";

export const SPOT_NOTICE_SEC = 120;

export function budgetLeft(ctx: Ctx, clientId: string): number {
  const initial = ctx.sc.clients.find((c) => c.id === clientId)?.cloudBudgetLeft ?? 0;
  return initial - (ctx.meter.spentByClient.get(clientId) ?? 0);
}

function warn(ctx: Ctx, msg: string): void {
  if (ctx.warnings.length < 50 && !ctx.warnings.includes(msg)) ctx.warnings.push(msg);
}

export function launch(ctx: Ctx, req: BurstRequest): number {
  const { st, sc } = ctx;
  const offer = sc.cloudOffers.find((o) => o.instanceType === req.instanceType);
  const client = st.clients.get(req.clientId);
  if (!offer) { warn(ctx, `burst refused: unknown instance type ${req.instanceType}`); return 0; }
  if (!client?.cloudAllowed) { warn(ctx, `burst refused: client ${req.clientId} may not use cloud`); return 0; }
  if (budgetLeft(ctx, req.clientId) <= 0) { warn(ctx, `burst refused: client ${req.clientId} has no cloud budget left`); return 0; }
  const held = [...st.nodes.values()].filter((n) => n.instanceType === offer.instanceType).length;
  const count = Math.max(0, Math.min(req.count, offer.maxInstances - held));
  if (count < req.count) warn(ctx, `burst capped at ${offer.maxInstances} ${offer.instanceType} instances`);
  for (let i = 0; i < count; i++) {
    const id = `cloud-${st.nextCloudId++}`;
    const price = req.market === "spot" ? offer.spotPricePerHour : offer.onDemandPricePerHour;
    const node: NodeState = {
      id, pool: "cloud", status: "booting", capabilities: offer.capabilities, tags: [], speed: offer.speed, slots: 1,
      powerIdleW: 0, powerBusyW: 0, powerSleepW: 0, wakeSec: 0, running: [], queue: [], blocklist: [], failuresByJob: {},
      idleSince: null, readyAt: st.now + offer.bootSec * 1000, instanceType: offer.instanceType, market: req.market,
      pricePerHour: price, clientId: req.clientId, awaitingFirstTask: true, epoch: 0,
    };
    st.nodes.set(id, node);
    ctx.heap.push({ at: node.readyAt!, rank: 0, type: "node-ready", nodeId: id, epoch: 0 });
    if (req.market === "spot") {
      const r = mulberry32(hashSeed(sc.seed, `spot|${id}`));
      const at = st.now + Math.round(exponential(r, offer.spotInterruptionPerHour) * 3600_000);
      if (Number.isFinite(at) && at < sc.endAt) {
        node.interruptAt = at;
        ctx.heap.push({ at: Math.max(st.now, at - SPOT_NOTICE_SEC * 1000), rank: 0, type: "spot-notice", nodeId: id, epoch: 0 });
        ctx.heap.push({ at, rank: 0, type: "spot-kill", nodeId: id, epoch: 0 });
      }
    }
  }
  ctx.meter.markDirty();
  return count;
}

/** Stop billing; running work returns to the queue (checkpointing if it can). */
export function terminate(ctx: Ctx, node: NodeState): void {
  abandonAll(ctx, node, true);
  ctx.meter.forgetGap(node.id);
  ctx.st.nodes.delete(node.id);
  ctx.meter.markDirty();
}

/** Hard budgets: a client that spent its budget loses its cloud nodes. */
export function enforceBudgets(ctx: Ctx): void {
  for (const n of [...ctx.st.nodes.values()]) {
    if (n.pool === "cloud" && n.clientId && budgetLeft(ctx, n.clientId) <= 0) {
      warn(ctx, `client ${n.clientId} ran out of cloud budget; its cloud nodes were stopped`);
      terminate(ctx, n);
    }
  }
  for (const c of ctx.st.clients.values()) c.cloudBudgetLeft = Math.max(0, budgetLeft(ctx, c.id));
}

export function onSpotNotice(ctx: Ctx, node: NodeState): void {
  node.status = "draining";
  node.queue = [];
  ctx.meter.markDirty();
}

export function onSpotKill(ctx: Ctx, node: NodeState): void {
  ctx.meter.tally.spotInterruptions++;
  terminate(ctx, node);
}
