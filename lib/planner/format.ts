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

/** "11-28 15:48 UTC": for instants that may be days away. */
export function dateTime(at: number): string {
  const d = new Date(at);
  return `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}
