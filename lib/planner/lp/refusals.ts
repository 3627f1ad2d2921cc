import type { FarmNode } from "../types.ts";
import { nodeRefuses } from "../matching/refusals.ts";
import type { JobState } from "../work/job-state.ts";
import type { Group } from "./groups.ts";

/**
 * On-prem slots a group's work cannot have: nodes that refuse every member job (blocklisted by
 * hand, or after `blocklistAfter` failures of the job there). Dispatch never places the job on
 * them (matching/slot-pools.ts nodeAccepts), so the LP must not count them either: counted, they
 * hide a shortfall until the job's last hours, when renting can only rescue it at a run (the
 * hardware-failure scenario blocklisted two of six GPU nodes for its GPU render at +9 h; the LP
 * kept planning on them and rented nine nodes in its last 1.5 h). Absent refusals (the usual
 * case) nothing is computed past one scan of the nodes.
 */
export function markRefusals(groups: readonly Group[], blocklistAfter: number): void {
  const refusing = refusingNodes(groups, blocklistAfter);
  if (refusing.size === 0) return;
  for (const g of groups) {
    // A node refuses the group only if it refuses every member.
    const common = refusedByAll(g, refusing);
    if (common.size === 0) continue;
    for (const r of g.resources) {
      let slots = 0;
      // The nodes the resource's capacity counts (resources.ts): ready, asleep or booting.
      for (const c of r.classes) for (const n of c.nodes) if (common.has(n) && (n.status === "ready" || n.status === "asleep" || n.status === "booting")) slots += n.slots;
      if (slots > 0) (g.refusedSlots ??= new Map()).set(r.index, slots);
    }
  }
}

function refusedByAll(g: Group, refusing: Map<string, Set<FarmNode>>): Set<FarmNode> {
  let common: Set<FarmNode> | undefined;
  for (const m of g.members) {
    const set = refusing.get(m.s.job.id);
    if (!set) return new Set();
    const prev: Set<FarmNode> | undefined = common;
    common = prev === undefined ? new Set(set) : new Set([...prev].filter((n) => set.has(n)));
    if (common.size === 0) return common;
  }
  return common ?? new Set();
}

/** Per job of the groups: the on-prem nodes that refuse it (matching/refusals.ts, forgiveness included). */
function refusingNodes(groups: readonly Group[], blocklistAfter: number): Map<string, Set<FarmNode>> {
  const out = new Map<string, Set<FarmNode>>();
  const members = new Map<string, JobState>();
  for (const g of groups) for (const m of g.members) members.set(m.s.job.id, m.s);
  const consider = (id: string, n: FarmNode) => {
    const s = members.get(id);
    if (!s || !nodeRefuses(n, s.job, { after: blocklistAfter, forgiven: s.forgiven })) return;
    let set = out.get(id);
    if (!set) out.set(id, (set = new Set()));
    set.add(n);
  };
  // A node is in one class: each class once (a farm of 20,000 nodes is a handful of classes).
  // Only the jobs a node has a record with can be refused there: its blocklist and failures.
  const seen = new Set<object>();
  for (const g of groups) {
    for (const r of g.resources) {
      for (const c of r.classes) {
        if (seen.has(c)) continue;
        seen.add(c);
        for (const n of c.nodes) {
          for (const id of n.blocklist) consider(id, n);
          if (n.failuresByJob) for (const id in n.failuresByJob) consider(id, n);
        }
      }
    }
  }
  return out;
}
