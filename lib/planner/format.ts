/** Human-readable pieces for reasons: "3h20m", "02:00 UTC". */
export function duration(sec: number): string {
  const s = Math.round(Math.abs(sec));
  const sign = sec < 0 ? "-" : "";
  if (s < 60) return `${sign}${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m}m`;
  const h = Math.floor(m / 60);
  return `${sign}${h}h${m % 60 ? `${String(m % 60).padStart(2, "0")}m` : ""}`;
}

/** Zero-padded to two digits, as String(n).padStart(2, "0") (reasons word thousands of instants per cycle). */
function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

export function clock(at: number): string {
  const d = new Date(at);
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

export function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/**
 * Recently worded minutes (a direct-mapped cache of a pure function, so deterministic): a cycle
 * words a few hundred distinct instants (slot edges, deadlines) thousands of times in its reasons.
 */
const DATE_TIME_CACHE = 256;
const cachedMinute = new Float64Array(DATE_TIME_CACHE).fill(NaN);
const cachedText: string[] = new Array<string>(DATE_TIME_CACHE).fill("");

/** "11-28 15:48 UTC": for instants that may be days away. */
export function dateTime(at: number): string {
  // Only instants well inside Date's range (±8.64e15 ms) are cached: the text depends on the minute alone there.
  const cacheable = Math.abs(at) < 8e15;
  const minute = Math.floor(at / 60_000);
  const slot = cacheable ? ((minute % DATE_TIME_CACHE) + DATE_TIME_CACHE) % DATE_TIME_CACHE : 0;
  if (cacheable && cachedMinute[slot] === minute) return cachedText[slot]!;
  const d = new Date(at);
  const text = `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
  if (cacheable) { cachedMinute[slot] = minute; cachedText[slot] = text; }
  return text;
}
