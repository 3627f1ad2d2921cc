/** How the CLI prints: aligned tables, money with its currency, instants and durations. */

/** The farm's prices (tariff, EC2 offers) are in US dollars. */
export const currency = "USD";

/** A missing or non-finite amount prints as "—", never "NaN" or "Infinity". */
export const money = (amount: number | null | undefined, cur = currency): string =>
  amount === null || amount === undefined || !Number.isFinite(amount) ? "—" : `${amount.toFixed(2)} ${cur}`;

/** A number with `digits` decimals; missing or non-finite prints as "—". */
export const fixed = (v: number | null | undefined, digits: number): string =>
  v === null || v === undefined || !Number.isFinite(v) ? "—" : v.toFixed(digits);

export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [fmt(head), ...rows.map(fmt)].join("\n") + "\n";
}

/** `2026-11-24 16:00Z` — short and unambiguous. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  return iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "Z");
}

export function duration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return "—";
  const sign = sec < 0 ? "-" : "";
  const s = Math.abs(sec);
  if (s < 90) return `${sign}${Math.round(s)}s`;
  if (s < 90 * 60) return `${sign}${Math.round(s / 60)}m`;
  return `${sign}${(s / 3600).toFixed(1)}h`;
}

export const json = (value: unknown): string => JSON.stringify(value, null, 2) + "\n";

/**
 * `2026-11-24T18:00:00Z`, or relative to `now`: `+90m`, `+2h`, `+1d`; `none` clears.
 * Returns an ISO string, null for none, or undefined when unparseable.
 */
export function parseInstant(text: string, now: number): string | null | undefined {
  if (text === "none") return null;
  const rel = /^\+(\d+(?:\.\d+)?)([smhd])$/.exec(text);
  if (rel) return new Date(now + Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as "s" | "m" | "h" | "d"]).toISOString();
  const t = Date.parse(text);
  return Number.isNaN(t) || !/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? undefined : new Date(t).toISOString();
}
