import type { Policy } from "./types.ts";

/**
 * Defaults a wrangler would expect. Failure limits follow Flamenco (blocklist after 3) and
 * Deadline 10 (a job fails after 100 errors); spot loss is the 2-minute notice plus requeue.
 */
export const defaultPolicy: Policy = {
  safetySigma: 2,
  urgentSlackSec: 30 * 60,
  priorityWeightSec: 5 * 60,
  leaseSec: 120,
  preassignWithinSec: 60,
  tariff: {
    enabled: true,
    minSaving: 0.1,
    lookaheadSec: 24 * 3600,
    powerDownIdleSec: 2 * 3600,
  },
  burst: {
    enabled: true,
    idleReleaseSec: 300,
    interruptionLossSec: 180,
    checkpointIntervalSec: 600,
  },
  guaranteeRule: "beside-tariff",
  failures: {
    retriesPerTask: 3,
    errorsPerJob: 100,
    blocklistAfter: 3,
  },
};

/** A policy with some knobs changed, deep enough for the nested groups. */
export function withPolicy(overrides: {
  [K in keyof Policy]?: Policy[K] extends object ? Partial<Policy[K]> : Policy[K];
}): Policy {
  return {
    ...defaultPolicy,
    ...overrides,
    tariff: { ...defaultPolicy.tariff, ...overrides.tariff },
    burst: { ...defaultPolicy.burst, ...overrides.burst },
    failures: { ...defaultPolicy.failures, ...overrides.failures },
  } as Policy;
}
