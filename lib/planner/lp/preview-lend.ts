import { speedOf } from "../matching/node-classes.ts";
import type { Dispatcher } from "./dispatcher.ts";
import { isFresh } from "./dispatcher.ts";
import type { QuotaDispatchInput } from "./dispatch.ts";
import type { Group, Member } from "./groups.ts";

/** At most this share of the slot's nodes (at least one) goes to fresh jobs of groups the LP gives no node now. */
export const PREVIEW_LEND_SHARE = 0.1;
/** A lender's safety margin must cover this many times the node time it lends. */
export const PREVIEW_LEND_COVER = 2;

/**
 * Previews across groups. The LP plans some groups' work for later slots, so their fresh jobs
 * (no frame yet) would wait hours for a first frame however dispatch orders a group's quota.
 * Each such job (not deferred; groups most urgent first) gets one task on an on-prem node the LP
 * gives another group now, when every member of that group with work left keeps a safety margin
 * (its deadline less the due time the LP plans to) of at least {@link PREVIEW_LEND_COVER}× the
 * node time it has lent (best-effort groups always can), for at most {@link PREVIEW_LEND_SHARE}
 * of the slot's nodes. The borrower gives the node time back: its group has that much less work
 * later. Rented nodes are never lent (they are per client). `counts` (nodes per group and
 * on-prem resource) is reduced by what is lent; the lenders' own rounding follows.
 */
export function lendForPreviews(input: QuotaDispatchInput, d: Dispatcher, order: readonly number[], counts: Map<number, number>[], totalNodes: number): void {
  let budget = Math.max(1, Math.floor(totalNodes * PREVIEW_LEND_SHARE));
  const marginMs = input.groups.map(marginOf);
  // Lenders: the widest margin first (best effort first), least urgent first on ties.
  const lenders = [...order].reverse().sort((a, b) => marginMs[b]! - marginMs[a]!);
  for (const gi of order) {
    if (budget <= 0) return;
    if (hasNodes(counts[gi]!) || hasCloud(input, gi)) continue;
    for (const m of input.groups[gi]!.members) {
      if (budget <= 0) return;
      if (!isFresh(m.s) || d.placed.has(m.s.job.id) || m.st.allowance <= 0 || input.deferred.has(m.s.job.id)) continue;
      if (lendOne(input, d, m, gi, lenders, counts, marginMs)) budget--;
    }
  }
}

/** The least safety margin of a group's members with work left (Infinity: best effort). */
function marginOf(g: Group): number {
  let least = Infinity;
  for (const m of g.members) {
    if (m.st.allowance <= 0 || m.dueAt === null) continue;
    least = Math.min(least, m.s.job.deadlineAt === null ? 0 : m.s.job.deadlineAt - m.dueAt);
  }
  return least;
}

function lendOne(input: QuotaDispatchInput, d: Dispatcher, m: Member, gi: number, lenders: readonly number[], counts: Map<number, number>[], marginMs: number[]): boolean {
  const eligible = new Set(m.st.eligible.map((c) => c.index));
  for (const li of lenders) {
    if (li === gi) continue;
    for (const [r, n] of counts[li]!) {
      if (n <= 0) continue;
      const pools = input.resources[r]!.classes.filter((c) => eligible.has(c.index)).map((c) => input.pools[c.index]!);
      // Node time the task holds, on the slowest eligible class of the resource.
      let slowest = Infinity;
      for (const p of pools) slowest = Math.min(slowest, speedOf(p.cls.speed, m.st.step.kind));
      const holdMs = (m.st.taskSec / slowest) * 1000;
      if (pools.length === 0 || marginMs[li]! < PREVIEW_LEND_COVER * holdMs) continue;
      const lender = input.groups[li]!;
      const why = `LP: 1 × ${input.resources[r]!.label} now for the first frame of ${m.s.job.clientId}'s job the LP plans later, lent by ${lender.clientId}'s ${lender.kind} work (its deadlines keep their margin)`;
      if (d.fill([m], pools, 1, why) === 0) continue;
      counts[li]!.set(r, n - 1);
      marginMs[li] = marginMs[li]! - PREVIEW_LEND_COVER * holdMs;
      return true;
    }
  }
  return false;
}

function hasNodes(m: Map<number, number>): boolean {
  for (const n of m.values()) if (n > 0) return true;
  return false;
}

function hasCloud(input: QuotaDispatchInput, gi: number): boolean {
  for (const q of input.reading.quotaCloud[gi]!.values()) if (Math.ceil(q - 0.3) > 0) return true;
  return false;
}
