import type { Capabilities, FarmNode, Requirements } from "../types.ts";
import { sortedStrings } from "../util/small-sort.ts";
import { requirementsKey, surplus, unmetRequirement } from "./requirements.ts";
import { classBucket, requirementsBucket, sameClass, sameRequirements } from "./same-class.ts";

/**
 * Nodes grouped into classes of identical capabilities, tags, pool and (rounded) speed, so
 * matching scores a few classes instead of thousands of nodes (Kueue's flavors, OpenCue's
 * host groups). Within a class, nodes differ only in state and in speed below the rounding.
 */
export interface NodeClass {
  index: number;
  key: string;
  pool: FarmNode["pool"];
  capabilities: Capabilities;
  tags: readonly string[];
  /** Speed per kind, averaged over the class's nodes. */
  speed: Record<string, number>;
  nodes: FarmNode[];
  /** Slots of ready (or draining-free) nodes, for capacity projections. */
  slots: number;
}

/** Speeds are rounded to this step when grouping, so per-node measurements don't explode classes. */
const SPEED_STEP = 0.1;

export function classKey(n: FarmNode): string {
  const c = n.capabilities;
  let key = `${n.pool}|${n.instanceType ?? ""}|${c.os}|${c.cpuArch}|${c.vcpu}|${c.memoryGiB}|${c.gpuCount}|${c.gpuModel ?? ""}|${c.gpuMemoryGiB ?? ""}`;
  if (c.amounts) key += `|a${JSON.stringify(c.amounts)}`;
  if (c.attributes) key += `|t${JSON.stringify(c.attributes)}`;
  if (n.tags.length > 0) key += `|${n.tags.length > 1 ? sortedStrings(n.tags).join(",") : n.tags[0]}`;
  const kinds = Object.keys(n.speed);
  if (kinds.length > 0) {
    for (const k of sortedStrings(kinds)) key += `|${k}=${Math.round((n.speed[k] ?? 1) / SPEED_STEP)}`;
  }
  return key;
}

/**
 * Nodes that count as capacity: running or able to run soon. A node at risk of interruption
 * (`maxTaskSec`, a spot rebalance recommendation) still takes short tasks but is not counted on
 * for deadlines, so the burst stage rents a replacement when a deadline needs one.
 */
export function isCapacity(n: FarmNode): boolean {
  return (n.status === "ready" || n.status === "asleep" || n.status === "booting") && n.maxTaskSec === undefined;
}

export function buildClasses(nodes: readonly FarmNode[]): { classes: NodeClass[] } {
  const byKey = new Map<string, NodeClass>();
  // Nodes already keyed, by a cheap bucket number: a node equal field by field to one of them
  // joins its class without building the key string (same-class.ts).
  const seen = new Map<number, { rep: FarmNode; c: NodeClass }[]>();
  for (const n of nodes) {
    const h = classBucket(n, SPEED_STEP);
    let reps = seen.get(h);
    let c: NodeClass | undefined;
    if (reps) for (const r of reps) if (sameClass(r.rep, n, SPEED_STEP)) { c = r.c; break; }
    if (!c) {
      const key = classKey(n);
      c = byKey.get(key);
      if (!c) {
        c = { index: byKey.size, key, pool: n.pool, capabilities: n.capabilities, tags: n.tags, speed: {}, nodes: [], slots: 0 };
        byKey.set(key, c);
      }
      if (!reps) seen.set(h, (reps = []));
      reps.push({ rep: n, c });
    }
    c.nodes.push(n);
  }
  // Per class and kind (in order of first appearance), the nodes' speeds summed in node order and how
  // many nodes measured it: arrays, not a record keyed by kind per class (a keyed store per node and kind).
  const kinds: string[] = [];
  const sums: number[] = [];
  const measured: number[] = [];
  for (const c of byKey.values()) {
    let slots = 0;
    kinds.length = 0;
    sums.length = 0;
    measured.length = 0;
    for (const n of c.nodes) {
      if (isCapacity(n)) slots += n.slots;
      let i = 0;
      for (const k in n.speed) {
        const v = n.speed[k]!;
        if (kinds[i] !== k) i = kindIndex(kinds, sums, measured, k);
        sums[i]! += v;
        if (v !== undefined) measured[i]!++;
        i++;
      }
    }
    // A kind measured on some nodes of the class only: the others count as 1.0.
    for (let i = 0; i < kinds.length; i++) c.speed[kinds[i]!] = (sums[i]! + (c.nodes.length - measured[i]!)) / c.nodes.length;
    c.slots = slots;
  }
  return { classes: [...byKey.values()] };
}

/** Where kind `k` sits in `kinds`, added (sum 0, measured on no node yet) if new. */
function kindIndex(kinds: string[], sums: number[], measured: number[], k: string): number {
  const i = kinds.indexOf(k);
  if (i >= 0) return i;
  kinds.push(k);
  sums.push(0);
  measured.push(0);
  return kinds.length - 1;
}

export function speedOf(speed: Record<string, number>, kind: string): number {
  const s = speed[kind];
  return s !== undefined && s > 0 ? s : 1;
}

export interface EligibleClasses {
  /** Best fit first. Shared between steps with equal requirements: do not mutate. */
  classes: NodeClass[];
  onprem: NodeClass[];
  unmet: string | null;
}

/** Eligible classes per requirement set, memoised: a farm has few distinct requirement sets. */
export class Eligibility {
  private memo = new Map<string, EligibleClasses>();
  /** Jobs often share one requirements object: skip building its key again. */
  private byObject = new WeakMap<Requirements, EligibleClasses>();
  constructor(private readonly classes: readonly NodeClass[]) {}

  of(req: Requirements): EligibleClasses {
    const known = this.byObject.get(req);
    if (known) return known;
    const hit = this.ofKey(req);
    this.byObject.set(req, hit);
    return hit;
  }

  /** Requirement sets already keyed, by a cheap bucket number (same-class.ts): no key string for a repeat. */
  private seen = new Map<number, { req: Requirements; hit: EligibleClasses }[]>();

  private ofKey(req: Requirements): EligibleClasses {
    const h = requirementsBucket(req);
    let reps = this.seen.get(h);
    if (reps) for (const r of reps) if (sameRequirements(r.req, req)) return r.hit;
    if (!reps) this.seen.set(h, (reps = []));
    const hit = this.ofNewKey(req);
    reps.push({ req, hit });
    return hit;
  }

  private ofNewKey(req: Requirements): EligibleClasses {
    const key = requirementsKey(req);
    let hit = this.memo.get(key);
    if (!hit) {
      const ok: NodeClass[] = [];
      let unmet: string | null = null;
      for (const c of this.classes) {
        const why = unmetRequirement(c.capabilities, req);
        if (why === null) ok.push(c);
        else unmet ??= why;
      }
      // Best fit first: the least surplus machine, so GPU boxes stay free for GPU work.
      ok.sort((a, b) => surplus(a.capabilities, req) - surplus(b.capabilities, req) || a.index - b.index);
      hit = { classes: ok, onprem: ok.filter((c) => c.pool === "onprem"), unmet: ok.length > 0 ? null : unmet ?? "no nodes" };
      this.memo.set(key, hit);
    }
    return hit;
  }
}
