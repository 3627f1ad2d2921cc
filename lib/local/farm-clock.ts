/**
 * Local mode's clock. The demo runs faster than real time (a tariff hour in a minute), so every
 * part of the farm — the handlers, the planner, the agents' renders and polls — reads this one
 * clock: `now = simulated start + real time elapsed × speed`. Saved on stop so a second start
 * resumes at the simulated instant the first one stopped.
 */
import type { Clock } from "../service/index.ts";

export class FarmClock implements Clock {
  private readonly realStart = Date.now();
  constructor(readonly startAt: number, readonly speed: number) {
    if (!(speed > 0)) throw new Error(`speed: must be positive, got ${speed}`);
  }
  now(): number {
    return Math.round(this.startAt + (Date.now() - this.realStart) * this.speed);
  }
  /** The farm instant at real instant `realMs` (epoch ms), and back. */
  toFarm(realMs: number): number {
    return Math.round(this.startAt + (realMs - this.realStart) * this.speed);
  }
  toReal(farmMs: number): number {
    return Math.round(this.realStart + (farmMs - this.startAt) / this.speed);
  }
  /** Real milliseconds that cover `simMs` of farm time. */
  realMs(simMs: number): number {
    return simMs / this.speed;
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
