import type { FarmNode, Requirements } from "../types.ts";

/**
 * Cheap class matching for buildClasses: most nodes of a farm repeat a few classes, so instead of
 * building every node's class-key string (6 MB of garbage per cycle at 5,000 nodes) a node is
 * compared field by field with a representative of an already-keyed class. `sameClass` true
 * guarantees equal class keys (it reads exactly the fields classKey reads, with the same speed
 * rounding); false only means "not sure": the caller then builds the key, so results never change.
 */
export function sameClass(a: FarmNode, b: FarmNode, speedStep: number): boolean {
  if (a.pool !== b.pool || (a.instanceType ?? "") !== (b.instanceType ?? "")) return false;
  const x = a.capabilities;
  const y = b.capabilities;
  if (x !== y) {
    if (x.os !== y.os || x.cpuArch !== y.cpuArch || x.vcpu !== y.vcpu || x.memoryGiB !== y.memoryGiB || x.gpuCount !== y.gpuCount) return false;
    if ((x.gpuModel ?? "") !== (y.gpuModel ?? "") || x.gpuMemoryGiB !== y.gpuMemoryGiB) return false;
    if (x.amounts !== y.amounts && !sameRecord(x.amounts, y.amounts, samePrimitive)) return false;
    if (x.attributes !== y.attributes && !sameRecord(x.attributes, y.attributes, sameStrings)) return false;
  }
  if (a.tags !== b.tags && !sameStrings(a.tags, b.tags)) return false;
  return a.speed === b.speed || sameSpeeds(a.speed, b.speed, speedStep);
}

/** A number that nodes of one class share (capabilities and rounded speeds); collisions are fine. */
export function classBucket(n: FarmNode, speedStep: number): number {
  // Kept a small integer (`| 0`): no heap number per step.
  const c = n.capabilities;
  let h = (((c.vcpu * 31) | 0) + c.memoryGiB) | 0;
  h = (((h * 31) | 0) + c.gpuCount * 7 + n.tags.length) | 0;
  for (const k in n.speed) h = (((h * 31) | 0) + Math.round((n.speed[k] ?? 1) / speedStep)) | 0;
  return h;
}

const samePrimitive = (p: unknown, q: unknown) => p === q;

function sameStrings(p: unknown, q: unknown): boolean {
  if (!Array.isArray(p) || !Array.isArray(q) || p.length !== q.length) return false;
  for (let i = 0; i < p.length; i++) if (p[i] !== q[i] || typeof p[i] !== "string") return false;
  return true;
}

/** Same own keys in the same order (JSON.stringify's order) with equal values. */
function sameRecord<V>(p: Record<string, V> | undefined, q: Record<string, V> | undefined, same: (a: V, b: V) => boolean): boolean {
  if (p === undefined || q === undefined || p === null || q === null) return false;
  const kp = Object.keys(p);
  const kq = Object.keys(q);
  if (kp.length !== kq.length) return false;
  for (let i = 0; i < kp.length; i++) {
    const k = kp[i]!;
    if (k !== kq[i] || !same(p[k]!, q[k]!)) return false;
  }
  return true;
}

/** Same own kinds (classKey sorts them, so order does not matter) with equal rounded speeds. */
function sameSpeeds(p: Record<string, number>, q: Record<string, number>, step: number): boolean {
  let np = 0;
  for (const k in p) {
    if (!Object.hasOwn(p, k)) return false;
    if (!Object.hasOwn(q, k) || Math.round((p[k] ?? 1) / step) !== Math.round((q[k] ?? 1) / step)) return false;
    np++;
  }
  return np === ownKeys(q);
}

/** How many enumerable keys `o` has, all its own; -1 if any is inherited (then nothing is "the same for sure"). */
function ownKeys(o: object): number {
  let n = 0;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) return -1;
    n++;
  }
  return n;
}

/**
 * Requirement sets with equal requirementsKey for sure: the same own fields (the key sorts them)
 * with JSON-equal values. False only means "not sure" (the caller builds the key then).
 */
export function sameRequirements(a: Requirements, b: Requirements): boolean {
  if (a === b) return true;
  let na = 0;
  for (const k in a) {
    if (!Object.hasOwn(a, k) || !Object.hasOwn(b, k)) return false;
    if (!sameJson(a[k as keyof Requirements], b[k as keyof Requirements])) return false;
    na++;
  }
  return na === ownKeys(b);
}

/** A number that equal requirement sets share; collisions are fine. */
export function requirementsBucket(r: Requirements): number {
  let h = (((r.minVcpu ?? -1) * 31) | 0) + (r.minMemoryGiB ?? -1);
  h = (((h | 0) * 31) | 0) + (r.minGpuCount ?? -1) * 7 + (r.os?.length ?? -1) * 3 + (r.gpuModels?.length ?? -1);
  return h | 0;
}

/** JSON.stringify(p) === JSON.stringify(q) for sure, for plain data (numbers, strings, arrays, plain objects). */
function sameJson(p: unknown, q: unknown): boolean {
  if (p === q) return true;
  if (typeof p !== "object" || typeof q !== "object" || p === null || q === null) return false;
  if (Array.isArray(p)) {
    if (!Array.isArray(q) || p.length !== q.length) return false;
    for (let i = 0; i < p.length; i++) if (p[i] === undefined || !sameJson(p[i], q[i])) return false;
    return true;
  }
  if (Array.isArray(q) || Object.getPrototypeOf(p) !== Object.prototype || Object.getPrototypeOf(q) !== Object.prototype) return false;
  return sameRecord(p as Record<string, unknown>, q as Record<string, unknown>, sameJson);
}
