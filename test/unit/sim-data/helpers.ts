/** Shared helpers for the sim-data tests. */
import { hasSharedData } from "../../../lib/sim/data/index.ts";

/** Tests on the ../shared originals run only where the folder exists (not on a fresh clone). */
export const SHARED = hasSharedData();

/** Deterministic uniform [0, 1) generator (mulberry32) for sampler tests. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const HOUR = 3_600_000;
