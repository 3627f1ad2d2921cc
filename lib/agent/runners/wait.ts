/** Sleeps `ms` unless the task is canceled first; true when canceled. */
import type { Cancellation } from "../cancellation.ts";

export function waitOrCancel(ms: number, cancellation: Cancellation): Promise<boolean> {
  if (cancellation.requested) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { off(); resolve(false); }, Math.max(0, ms));
    const off = cancellation.onCancel(() => { clearTimeout(timer); off(); resolve(true); });
  });
}
