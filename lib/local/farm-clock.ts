/**
 * Local mode's clock. The demo runs faster than real time (a tariff hour in a minute), so every
 * part of the farm — the handlers, the planner, the agents' renders and polls — reads this one
 * clock: `now = simulated start + real time elapsed × speed`, less any time the process was
 * paused (`watchForPauses`). Saved on stop so a second start resumes at the simulated instant the
 * first one stopped.
 */
import type { Clock } from "../service/index.ts";

export class FarmClock implements Clock {
  private realStart: number;
  /** Real milliseconds the process was paused, in total (farm time did not run through them). */
  pausedMs = 0;
  private notice: (() => void) | undefined;

  constructor(readonly startAt: number, readonly speed: number, private readonly realNow: () => number = Date.now) {
    if (!(speed > 0)) throw new Error(`speed: must be positive, got ${speed}`);
    this.realStart = realNow();
  }
  now(): number {
    return this.toFarm(this.realNow());
  }
  /** The farm instant at real instant `realMs` (epoch ms), and back. */
  toFarm(realMs: number): number {
    this.notice?.();
    return Math.round(this.startAt + (realMs - this.realStart) * this.speed);
  }
  toReal(farmMs: number): number {
    this.notice?.();
    return Math.round(this.realStart + (farmMs - this.startAt) / this.speed);
  }
  /** Real milliseconds that cover `simMs` of farm time. */
  realMs(simMs: number): number {
    return simMs / this.speed;
  }

  /**
   * The process was paused for `pausedRealMs` (Ctrl-Z, a laptop asleep): the farm resumes where it
   * paused instead of leaping ahead by pause × speed (at 60×, ten minutes asleep would be ten farm
   * hours: every lease lapsed, every deadline missed, nothing having run).
   */
  resumeAfter(pausedRealMs: number): void {
    if (!(pausedRealMs > 0)) return;
    this.realStart += pausedRealMs;
    this.pausedMs += pausedRealMs;
  }

  /**
   * Notices pauses: a beat every `everyMs`; a gap over `gapMs` between beats is a pause (the
   * process did not run), and the clock resumes after it — checked on every reading too, so the
   * first code to run after a pause never sees the leap. Returns the stop function.
   */
  watchForPauses(o: { everyMs?: number; gapMs?: number; onPause?: (pausedRealMs: number) => void } = {}): () => void {
    const everyMs = o.everyMs ?? 250;
    const gapMs = o.gapMs ?? 5_000;
    let last = this.realNow();
    const check = () => {
      const t = this.realNow();
      if (t - last > gapMs) {
        this.resumeAfter(t - last - everyMs);
        o.onPause?.(t - last - everyMs);
      }
      last = t;
    };
    this.notice = check;
    const timer = setInterval(check, everyMs);
    timer.unref();
    return () => { clearInterval(timer); if (this.notice === check) this.notice = undefined; };
  }

  /** Resolves after `simMs` of farm time (or at once when aborted). */
  sleep(simMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const t = setTimeout(done, Math.max(0, this.realMs(simMs)));
      function done() { signal?.removeEventListener("abort", done); clearTimeout(t); resolve(); }
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}

const hourMs = 3_600_000;

/**
 * The demo's start: 07:40 in Los Angeles on the latest weekday — 20 minutes before the SCE
 * TOU-8 tariff drops to its super-off-peak price at 08:00, so an energy-intensive job visibly
 * waits for the cheaper hour. `offsetOf` gives the zone's UTC offset at an instant.
 */
export function demoStartAt(realNow: number, timeZone = "America/Los_Angeles"): number {
  const parts = (t: number) => Object.fromEntries(new Intl.DateTimeFormat("en-US", {
    timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", weekday: "short", hourCycle: "h23",
  }).formatToParts(t).map((p) => [p.type, p.value]));
  let t = realNow;
  for (let i = 0; i < 7; i++, t -= 24 * hourMs) {
    const p = parts(t);
    if (p.weekday === "Sat" || p.weekday === "Sun") continue;
    const wallAsUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), 7, 40);
    // The wall time 07:40 in the zone: shift by the zone's offset (from the formatted instant).
    const offset = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) - Math.floor(t / 60_000) * 60_000;
    return wallAsUtc - offset;
  }
  return realNow;
}
