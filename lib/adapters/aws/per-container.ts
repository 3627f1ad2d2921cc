/**
 * What a container keeps between requests, to spare DynamoDB and SQS on the hot agent path:
 * the farm settings for a few seconds (an operator's change reaches every container within
 * that time), and plan triggers coalesced while one is being sent.
 */
import type { FarmSettings } from "../../service/model.ts";
import type { PlanStore, PlanTrigger } from "../../service/ports.ts";

/** The store with `settings()` served from memory for `ttlMs` (wall clock); saving refreshes it. */
export function cachedSettings(store: PlanStore, ttlMs: number): PlanStore {
  if (ttlMs <= 0) return store;
  let cached: { at: number; value: Promise<FarmSettings> } | undefined;
  return Object.assign(Object.create(store) as PlanStore, {
    settings(): Promise<FarmSettings> {
      const now = Date.now();
      if (!cached || now - cached.at > ttlMs) {
        const value = store.settings();
        cached = { at: now, value };
        value.catch(() => { cached = undefined; });
      }
      return cached.value;
    },
    async saveSettings(s: Partial<FarmSettings>): Promise<void> {
      cached = undefined;
      await store.saveSettings(s);
    },
  });
}

/**
 * Requests made while a send is in flight ride on it: their changes were written before they
 * asked, and the planner reads its snapshot only after the message arrives. No timer (a Lambda
 * container may freeze before one fires), so no request is ever dropped.
 */
export class CoalescingTrigger implements PlanTrigger {
  private inFlight: Promise<void> | undefined;

  constructor(private readonly inner: PlanTrigger) {}

  requestPlan(reason: string, now: number): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.inner.requestPlan(reason, now).finally(() => { this.inFlight = undefined; });
    return this.inFlight;
  }
}
