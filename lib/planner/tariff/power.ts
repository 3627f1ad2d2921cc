import type { FarmNode, NodeAction, Policy } from "../types.ts";
import { duration } from "../format.ts";

/** A node must have been idle this long before it is powered down (no flapping). */
export const MIN_IDLE_BEFORE_POWER_DOWN_SEC = 15 * 60;

export interface PowerInput {
  nodes: readonly FarmNode[];
  /** Nodes given work by this plan. */
  busy: ReadonlySet<string>;
  /** Earliest start of deferred work, if any. */
  nextDeferredStart: number | null;
  /** Tasks ready to run that found no free slot, per asleep node that could take them. */
  wakeCandidates: readonly FarmNode[];
  policy: Policy;
  now: number;
}

/**
 * Idle on-prem nodes are marked for power-down when no work is due within
 * `powerDownIdleSec`; asleep nodes are woken for work that found no free slot, or shortly
 * before deferred work starts.
 */
export function powerActions(input: PowerInput): NodeAction[] {
  const { policy, now } = input;
  const out: NodeAction[] = [];
  for (const n of input.wakeCandidates) out.push({ nodeId: n.id, action: "wake", reason: "ready work found no free eligible node" });
  const window = policy.tariff.powerDownIdleSec;
  if (window <= 0) return out;
  const dueSoon = input.nextDeferredStart !== null && input.nextDeferredStart - now <= window * 1000;
  if (dueSoon) return out;
  for (const n of input.nodes) {
    if (n.pool !== "onprem" || n.status !== "ready" || n.leases.length > 0 || input.busy.has(n.id)) continue;
    if (n.idleSince === undefined || now - n.idleSince < MIN_IDLE_BEFORE_POWER_DOWN_SEC * 1000) continue;
    const next = input.nextDeferredStart === null ? `no work due within ${duration(window)}` : `next deferred work starts in ${duration((input.nextDeferredStart - now) / 1000)}`;
    out.push({ nodeId: n.id, action: "power-down", reason: `idle ${duration((now - n.idleSince) / 1000)}; ${next}` });
  }
  return out;
}
