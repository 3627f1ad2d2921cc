/** Display helpers shared by the views (plain functions, no DOM). */

export function money(v: number | undefined, currency = "$"): string {
  if (v === undefined) return "—";
  return `${currency}${v < 10 ? v.toFixed(2) : v.toFixed(0)}`;
}

export function pct(v: number): string {
  return `${Math.round(v * 100)}%`;
}

/** `in 2h 05m` / `3m ago` relative to now. */
export function relative(iso: string | null, now: number): string {
  if (!iso) return "—";
  const d = Date.parse(iso) - now;
  const s = Math.round(Math.abs(d) / 1000);
  const m = Math.round(s / 60);
  const text = s < 60 ? `${s}s` : m < 60 ? `${m}m` : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
  return d >= 0 ? `in ${text}` : `${text} ago`;
}

/** `Tue 14:05` in the viewer's zone. */
export function when(iso: string | null): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });
}

export function age(sec: number): string {
  if (sec < 60) return `${sec}s`;
  if (sec < 3600) return `${Math.round(sec / 60)}m`;
  return `${Math.round(sec / 3600)}h`;
}

/** ISO → the value a `datetime-local` input shows (viewer's zone), and back. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const off = d.getTimezoneOffset() * 60_000;
  return new Date(d.getTime() - off).toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Frame numbers of task `i`, as the label a wrangler knows ("101" or "101-105"). */
export function taskFrames(frames: { start: number; end: number; step: number }[] | null, framesPerTask: number, i: number): string {
  if (!frames) return `task ${i}`;
  const out: number[] = [];
  let skip = i * framesPerTask;
  for (const r of frames) {
    const len = Math.floor((r.end - r.start) / r.step) + 1;
    if (skip >= len) { skip -= len; continue; }
    for (let k = skip; k < len && out.length < framesPerTask; k++) out.push(r.start + k * r.step);
    skip = 0;
    if (out.length >= framesPerTask) break;
  }
  if (out.length === 0) return `task ${i}`;
  return out.length === 1 ? `frame ${out[0]}` : `frames ${out[0]}–${out[out.length - 1]}`;
}
