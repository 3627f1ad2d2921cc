/**
 * The farm's clock as the page sees it. Relative times ("in 2h", "5m ago") and chart windows
 * are the farm's, not the browser's: the local farm runs faster than real time (a tariff hour a
 * minute) from a simulated start. Replies that carry the farm's instant move the offset.
 */
let offsetMs = 0;

export function syncFarmClock(farmIso: string): void {
  const t = Date.parse(farmIso);
  if (!Number.isNaN(t)) offsetMs = t - Date.now();
}

export function farmNow(): number {
  return Date.now() + offsetMs;
}
