/**
 * Hourly day-ahead market prices (green-dcc "standardized" CSV, plain or .gz) → `Tariff`.
 *
 *   const series = loadMarketPrices(path);                 // or parseMarketPrices(textOrBuffer)
 *   const tariff = marketToTariff(series, { from, to });    // $/kWh slots, clipped to [from, to)
 *   marketToTariff(series, { from, to, sourceFrom })        // replay prices from sourceFrom at `from`
 *   listMarkets()                                           // [{ market, year, path }] under shared data
 *
 * CSV columns: `Datetime (UTC), Datetime (Local), Price (USD/MWh)`; each row prices one hour
 * starting at the UTC instant. Prices are divided by 1,000 to $/kWh; negative prices are kept
 * (they happen, and they are exactly what tariff timing should exploit). A missing hour leaves
 * a gap, which the planner prices at `defaultPricePerKWh` (the window's time-weighted mean).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { PriceSlot, Tariff } from "../../planner/index.ts";
import { DataError } from "./data-error.ts";
import { readDataText, sharedDataPath, toText } from "./data-path.ts";

const HOUR = 3_600_000;

export interface HourlyPrice {
  /** Start of the hour, epoch ms (UTC). */
  startAt: number;
  pricePerMWh: number;
}

export interface MarketSeries {
  currency: "USD";
  /** Sorted by time, one entry per hour present in the file(s). */
  hours: HourlyPrice[];
}

export interface MarketWindow {
  from: number;
  to: number;
  /** Read prices starting here and re-stamp them to start at `from` (whole hours). */
  sourceFrom?: number;
}

export interface MarketFile {
  market: string;
  year: number;
  path: string;
}

function parseUtc(s: string): number {
  // "2024-01-01 00:00:00+00:00" → ISO 8601 that Date.parse accepts.
  return Date.parse(s.trim().replace(" ", "T"));
}

/** Parse one CSV (text or Buffer, gzip detected); rows sorted, duplicate hours rejected. */
export function parseMarketPrices(input: string | Buffer, source = "market csv"): MarketSeries {
  const lines = toText(input).split(/\r?\n/);
  if (!/utc/i.test(lines[0] ?? "")) throw new DataError(source, `line 1: expected a header with a UTC column, got "${lines[0]}"`);
  const hours: HourlyPrice[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const cols = line.split(",");
    const startAt = parseUtc(cols[0] ?? "");
    const price = Number(cols[cols.length - 1]);
    if (cols.length < 2 || !Number.isFinite(startAt)) throw new DataError(source, `line ${i + 1}: bad UTC time "${cols[0]}"`);
    if (cols[cols.length - 1]!.trim() === "" || !Number.isFinite(price)) throw new DataError(source, `line ${i + 1}: bad price "${cols[cols.length - 1]}"`);
    hours.push({ startAt, pricePerMWh: price });
  }
  if (hours.length === 0) throw new DataError(source, "no price rows");
  return mergeMarketSeries([{ currency: "USD", hours }], source);
}

/** Concatenate series (e.g. 2023 and 2024 files), sorted; the same hour twice is an error. */
export function mergeMarketSeries(parts: MarketSeries[], source = "market series"): MarketSeries {
  const hours = parts.flatMap((p) => p.hours).sort((a, b) => a.startAt - b.startAt);
  for (let i = 1; i < hours.length; i++) {
    if (hours[i]!.startAt === hours[i - 1]!.startAt) {
      throw new DataError(source, `hour ${new Date(hours[i]!.startAt).toISOString()} appears twice`);
    }
  }
  return { currency: "USD", hours };
}

export function loadMarketPrices(...paths: string[]): MarketSeries {
  return mergeMarketSeries(paths.map((p) => parseMarketPrices(readDataText(p), p)), paths.join(" + "));
}

/** Prices over `[from, to)` in $/kWh, one slot per hour (clipped at the window's edges). */
export function marketToTariff(series: MarketSeries, window: MarketWindow): Tariff {
  const { from, to } = window;
  if (!(Number.isFinite(from) && Number.isFinite(to) && to > from)) {
    throw new DataError("window", `need finite from < to, got [${from}, ${to})`);
  }
  const shift = window.sourceFrom === undefined ? 0 : from - Math.floor(window.sourceFrom / HOUR) * HOUR;
  const slots: PriceSlot[] = [];
  let weighted = 0;
  for (const h of series.hours) {
    const startAt = Math.max(from, h.startAt + shift);
    const endAt = Math.min(to, h.startAt + shift + HOUR);
    if (endAt <= startAt) continue;
    const pricePerKWh = h.pricePerMWh / 1000;
    slots.push({ startAt, endAt, pricePerKWh });
    weighted += pricePerKWh * (endAt - startAt);
  }
  if (slots.length === 0) {
    const first = series.hours[0]!.startAt, last = series.hours[series.hours.length - 1]!.startAt + HOUR;
    throw new DataError("window", `no prices in [${iso(from - shift)}, ${iso(to - shift)}); data covers [${iso(first)}, ${iso(last)})`);
  }
  const covered = slots.reduce((s, x) => s + x.endAt - x.startAt, 0);
  return { currency: series.currency, slots, defaultPricePerKWh: weighted / covered };
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

/**
 * Markets and years available under a green-dcc `standardized/` folder laid out as
 * `<MARKET>/<YEAR>/<MARKET>_electricity_prices_<YEAR>.csv[.gz]`. Missing folder → [].
 */
export function listMarkets(root = sharedDataPath("tariffs/green-dcc/electricity_prices/standardized")): MarketFile[] {
  if (!existsSync(root)) return [];
  const out: MarketFile[] = [];
  for (const market of readdirSync(root).sort()) {
    const mdir = join(root, market);
    if (!/^[A-Z]/.test(market) || !existsSync(mdir)) continue;
    for (const year of readdirSync(mdir).filter((y) => /^\d{4}$/.test(y)).sort()) {
      for (const ext of [".csv.gz", ".csv"]) {
        const path = join(mdir, year, `${market}_electricity_prices_${year}${ext}`);
        if (existsSync(path)) { out.push({ market, year: Number(year), path }); break; }
      }
    }
  }
  return out;
}
