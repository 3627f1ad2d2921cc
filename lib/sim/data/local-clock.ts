/**
 * Local wall-clock reading of epoch-ms instants, for tariffs written in local time.
 * Either a fixed `utcOffsetHours` (may be fractional, e.g. 5.5) or an IANA `timeZone`
 * (DST-aware via Intl). One of them is required: a silent UTC default would misplace a
 * utility's peak hours.
 *
 * Assumes offsets change only on whole UTC hours (true for every DST rule except a few
 * half-hour zones); the price is re-read at every UTC hour and every local hour boundary.
 */
import { DataError } from "./data-error.ts";

export interface ZoneOption {
  utcOffsetHours?: number;
  timeZone?: string;
}

export interface LocalParts {
  /** 0 = January. */
  month: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  hour: number;
}

export interface LocalClock {
  offsetMsAt(at: number): number;
  partsAt(at: number): LocalParts;
  /** The first instant after `at` where the local hour (or the offset) may change. */
  nextLocalHourAt(at: number): number;
}

const HOUR = 3_600_000;

function zoneOffsetReader(timeZone: string): (at: number) => number {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric",
    });
  } catch (e) {
    throw new DataError("timeZone", `unknown IANA zone "${timeZone}"`, { cause: e });
  }
  const exact = (at: number): number => {
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(at)) if (part.type !== "literal") p[part.type] = Number(part.value);
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - at;
  };
  // Intl is slow (~10–100 µs a call): read the offset once per UTC day, and per hour only on
  // the few days whose start and end offsets differ (a DST change).
  const DAY = 24 * HOUR;
  const byDay = new Map<number, number | null>();
  const byHour = new Map<number, number>();
  return (at) => {
    const day = Math.floor(at / DAY) * DAY;
    let off = byDay.get(day);
    if (off === undefined) {
      const start = exact(day);
      off = start === exact(day + DAY) ? start : null;
      byDay.set(day, off);
    }
    if (off !== null) return off;
    const hourStart = Math.floor(at / HOUR) * HOUR;
    let h = byHour.get(hourStart);
    if (h === undefined) byHour.set(hourStart, (h = exact(hourStart)));
    return h;
  };
}

export function localClock(zone: ZoneOption): LocalClock {
  let offsetMsAt: (at: number) => number;
  if (zone.timeZone !== undefined) offsetMsAt = zoneOffsetReader(zone.timeZone);
  else if (typeof zone.utcOffsetHours === "number" && Number.isFinite(zone.utcOffsetHours)) {
    const fixed = Math.round(zone.utcOffsetHours * 60) * 60_000;
    offsetMsAt = () => fixed;
  } else throw new DataError("zone", "give utcOffsetHours (number) or timeZone (IANA name)");
  return {
    offsetMsAt,
    partsAt(at) {
      const d = new Date(at + offsetMsAt(at));
      return { month: d.getUTCMonth(), weekday: d.getUTCDay(), hour: d.getUTCHours() };
    },
    nextLocalHourAt(at) {
      const off = offsetMsAt(at);
      const nextLocal = Math.floor((at + off) / HOUR) * HOUR + HOUR - off;
      const nextUtc = Math.floor(at / HOUR) * HOUR + HOUR;
      return Math.min(nextLocal, nextUtc);
    },
  };
}
