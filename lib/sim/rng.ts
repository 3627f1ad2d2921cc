/**
 * Seeded randomness for the simulator (mulberry32): the same seed gives the same run, so a
 * result can be reproduced and two policies face the very same failures and runtimes.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** A child stream, independent of how many draws the parent makes later. */
  fork(label: string): Rng;
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, fork: (label) => mulberry32(hashSeed(seed, label)) };
}

/** FNV-1a over the label, mixed with the seed: stable child seeds by name. */
export function hashSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Exponential with the given rate (events per unit); Infinity when the rate is 0. */
export function exponential(rng: Rng, rate: number): number {
  if (rate <= 0) return Infinity;
  return -Math.log(1 - rng.next()) / rate;
}

/** Standard normal by Box–Muller. */
export function normal(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Lognormal multiplier with mean 1 and the given coefficient of variation. */
export function lognormalMultiplier(rng: Rng, cv: number): number {
  if (cv <= 0) return 1;
  const s2 = Math.log(1 + cv * cv);
  return Math.exp(Math.sqrt(s2) * normal(rng) - s2 / 2);
}
