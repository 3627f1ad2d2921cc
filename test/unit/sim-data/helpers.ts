/** Shared helpers for the sim-data tests. */
import { mulberry32 } from "../../../lib/sim/rng.ts";
import { hasSharedData } from "../../../lib/sim/data/index.ts";

/** Tests on the ../shared originals run only where the folder exists (not on a fresh clone). */
export const SHARED = hasSharedData();

/** Deterministic uniform [0, 1) generator (the simulator's mulberry32) for sampler tests. */
export function seeded(seed: number): () => number {
  const rng = mulberry32(seed);
  return () => rng.next();
}

export const HOUR = 3_600_000;
