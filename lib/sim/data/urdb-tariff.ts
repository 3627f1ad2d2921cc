/**
 * Utility time-of-use tariffs in OpenEI URDB v7 JSON → the planner's `Tariff`.
 *
 *   const urdb = parseUrdbTariff(readDataText(path));            // or loadUrdbTariff(path)
 *   const tariff = urdbToTariff(urdb, { from, to, timeZone: "America/Los_Angeles" });
 *   urdbPeriodAt(urdb, at, { utcOffsetHours: -8 })                // → { period, pricePerKWh }
 *
 * Reading of the format: `energyweekdayschedule[month][hour]` (local time, month 0 = January)
 * names a period; `energyratestructure[period][tier]` has `rate` and optional `adj` in $/kWh.
 * Energy price = tier 0 `rate + adj` (tiers are monthly kWh blocks; a farm sits in one block,
 * and the planner wants a marginal price per hour). Saturday and Sunday use the weekend
 * schedule; public holidays are not modelled (URDB has no holiday calendar).
 * Demand and fixed charges are returned as data only: the planner prices energy, not peaks.
 */
import type { PriceSlot, Tariff } from "../../planner/index.ts";
import { DataError } from "./data-error.ts";
import { readDataText, toText } from "./data-path.ts";
import { localClock, type LocalClock, type ZoneOption } from "./local-clock.ts";

export interface UrdbPeriod {
  index: number;
  /** From the tariff when it names its periods, else "period N". */
  label: string;
  /** Tier 0 rate + adj, $/kWh. */
  pricePerKWh: number;
  tiers: { rate: number; adj: number; max?: number }[];
}

export interface UrdbDemandCharges {
  /** $/kW by demand period (tier 0), indexed by `weekday/weekend[month][hour]`. */
  touRatesPerKW: number[];
  weekday: number[][] | null;
  weekend: number[][] | null;
  /** Flat monthly demand charge, $/kW, by `flatMonths[month]` index. */
  flatRatesPerKW: number[];
  flatMonths: number[] | null;
}

export interface UrdbTariff {
  name: string;
  utility: string;
  label: string;
  currency: "USD";
  periods: UrdbPeriod[];
  /** [month 0..11][hour 0..23] → period index, local time. */
  weekday: number[][];
  weekend: number[][];
  demand: UrdbDemandCharges;
  fixedChargePerMonth: number | null;
}

export interface UrdbWindow extends ZoneOption {
  from: number;
  to: number;
}

type Json = Record<string, unknown>;

function schedule(item: Json, key: string, periods: number, required: boolean): number[][] | null {
  const v = item[key];
  if (v === undefined && !required) return null;
  if (!Array.isArray(v) || v.length !== 12) throw new DataError(key, "expected 12 months of 24 hours");
  return v.map((row: unknown, m) => {
    if (!Array.isArray(row) || row.length !== 24) throw new DataError(`${key}[${m}]`, "expected 24 hours");
    return row.map((p: unknown, h) => {
      if (!Number.isInteger(p) || (p as number) < 0 || (p as number) >= periods) {
        throw new DataError(`${key}[${m}][${h}]`, `period ${String(p)} is not in 0..${periods - 1}`);
      }
      return p as number;
    });
  });
}

function tiersOf(structure: unknown, key: string): { rate: number; adj: number; max?: number; name?: string }[][] {
  if (!Array.isArray(structure) || structure.length === 0) throw new DataError(key, "expected a non-empty array of periods");
  return structure.map((tiers: unknown, p) => {
    if (!Array.isArray(tiers) || tiers.length === 0) throw new DataError(`${key}[${p}]`, "no tiers");
    return tiers.map((t: Json, i) => {
      if (typeof t?.rate !== "number") throw new DataError(`${key}[${p}][${i}].rate`, "missing or not a number");
      const out: { rate: number; adj: number; max?: number; name?: string } = {
        rate: t.rate,
        adj: typeof t.adj === "number" ? t.adj : 0,
      };
      if (typeof t.max === "number") out.max = t.max;
      if (typeof t.name === "string") out.name = t.name;
      return out;
    });
  });
}

/** Parse URDB JSON text/Buffer (an `{items:[...]}` API answer or a bare item). */
export function parseUrdbTariff(input: string | Buffer, itemIndex = 0): UrdbTariff {
  let doc: unknown;
  try {
    doc = JSON.parse(toText(input));
  } catch (e) {
    throw new DataError("urdb", "not valid JSON", { cause: e });
  }
  const items = (doc as Json)?.items;
  const item = (Array.isArray(items) ? items[itemIndex] : doc) as Json | undefined;
  if (!item || typeof item !== "object") throw new DataError(`items[${itemIndex}]`, "no tariff item");
  const energy = tiersOf(item.energyratestructure, "energyratestructure");
  // Some exports label periods (`energytoulabels` or a tier `name`); keep them when present.
  const labels = Array.isArray(item.energytoulabels) ? (item.energytoulabels as unknown[]) : [];
  const periods = energy.map((tiers, index) => ({
    index,
    label: typeof labels[index] === "string" ? (labels[index] as string) : tiers[0]!.name ?? `period ${index}`,
    pricePerKWh: tiers[0]!.rate + tiers[0]!.adj,
    tiers: tiers.map(({ rate, adj, max }) => (max === undefined ? { rate, adj } : { rate, adj, max })),
  }));
  const demandTiers = item.demandratestructure === undefined ? [] : tiersOf(item.demandratestructure, "demandratestructure");
  const flatTiers = item.flatdemandstructure === undefined ? [] : tiersOf(item.flatdemandstructure, "flatdemandstructure");
  const flatMonths = Array.isArray(item.flatdemandmonths) ? (item.flatdemandmonths as number[]) : null;
  return {
    name: String(item.name ?? ""),
    utility: String(item.utility ?? ""),
    label: String(item.label ?? ""),
    currency: "USD",
    periods,
    weekday: schedule(item, "energyweekdayschedule", periods.length, true)!,
    weekend: schedule(item, "energyweekendschedule", periods.length, true)!,
    demand: {
      touRatesPerKW: demandTiers.map((t) => t[0]!.rate + t[0]!.adj),
      weekday: demandTiers.length ? schedule(item, "demandweekdayschedule", demandTiers.length, false) : null,
      weekend: demandTiers.length ? schedule(item, "demandweekendschedule", demandTiers.length, false) : null,
      flatRatesPerKW: flatTiers.map((t) => t[0]!.rate + t[0]!.adj),
      flatMonths,
    },
    fixedChargePerMonth: typeof item.fixedchargefirstmeter === "number" ? item.fixedchargefirstmeter : null,
  };
}

export function loadUrdbTariff(path: string): UrdbTariff {
  try {
    return parseUrdbTariff(readDataText(path));
  } catch (e) {
    if (e instanceof DataError && !e.source.startsWith("/")) throw new DataError(`${path}: ${e.source}`, e.problem, { cause: e });
    throw e;
  }
}

/** The period in force at instant `at` (local wall clock from the zone option). */
export function urdbPeriodAt(urdb: UrdbTariff, at: number, zone: ZoneOption | LocalClock): UrdbPeriod {
  const clock = "partsAt" in zone ? zone : localClock(zone);
  const { month, weekday, hour } = clock.partsAt(at);
  const table = weekday === 0 || weekday === 6 ? urdb.weekend : urdb.weekday;
  return urdb.periods[table[month]![hour]!]!;
}

/**
 * Piecewise-constant prices over `[from, to)`, one slot per run of equal price (adjacent local
 * hours with the same price are merged). Default price = time-weighted mean over the window.
 */
export function urdbToTariff(urdb: UrdbTariff, window: UrdbWindow): Tariff {
  const { from, to } = window;
  if (!(Number.isFinite(from) && Number.isFinite(to) && to > from)) {
    throw new DataError("window", `need finite from < to, got [${from}, ${to})`);
  }
  const clock = localClock(window);
  const slots: PriceSlot[] = [];
  let weighted = 0;
  for (let t = from; t < to; ) {
    const end = Math.min(to, clock.nextLocalHourAt(t));
    const price = urdbPeriodAt(urdb, t, clock).pricePerKWh;
    const last = slots[slots.length - 1];
    if (last && last.pricePerKWh === price && last.endAt === t) last.endAt = end;
    else slots.push({ startAt: t, endAt: end, pricePerKWh: price });
    weighted += price * (end - t);
    t = end;
  }
  return { currency: urdb.currency, slots, defaultPricePerKWh: weighted / (to - from) };
}
