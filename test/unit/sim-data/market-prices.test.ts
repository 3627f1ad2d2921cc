import { describe, expect, it } from "vitest";
import {
  bundledMarketTariff, bundledMarkets, listMarkets, loadMarketPrices, marketToTariff, mergeMarketSeries, parseMarketPrices,
} from "../../../lib/sim/data/index.ts";
import { gzipSync } from "node:zlib";
import { HOUR, SHARED } from "./helpers.ts";

const HEADER = "Datetime (UTC),Datetime (Local),Price (USD/MWh)";
const csv = (...rows: string[]) => [HEADER, ...rows].join("\n");

describe("day-ahead market prices (bundled 2024 copies)", () => {
  const bundled = Object.fromEntries(bundledMarkets().map((m) => [m.market, loadMarketPrices(m.path)]));

  it("bundles DE-LU, US-CAL-CISO and US-TEX-ERCO for 2024, one row per hour of the leap year", () => {
    expect(bundledMarkets().map((m) => `${m.market}/${m.year}`)).toEqual(["DE-LU/2024", "US-CAL-CISO/2024", "US-TEX-ERCO/2024"]);
    for (const s of Object.values(bundled)) expect(s.hours).toHaveLength(8784);
  });

  it("reads CAISO's first hour of 2024 as 40.860355 $/MWh = 0.040860355 $/kWh", () => {
    const t = marketToTariff(bundled["US-CAL-CISO"]!, { from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 0, 2) });
    expect(t.slots).toHaveLength(24);
    expect(t.slots[0]).toEqual({ startAt: Date.UTC(2024, 0, 1), endAt: Date.UTC(2024, 0, 1, 1), pricePerKWh: 0.040860355 });
    expect(t.defaultPricePerKWh).toBeCloseTo(t.slots.reduce((s, x) => s + x.pricePerKWh, 0) / 24, 12);
  });

  it("keeps negative prices (DE-LU, 12 May 2024 12:00 UTC: −144.57 $/MWh)", () => {
    const at = Date.UTC(2024, 4, 12, 12);
    const t = marketToTariff(bundled["DE-LU"]!, { from: at, to: at + HOUR });
    expect(t.slots[0]!.pricePerKWh).toBeCloseTo(-0.14456540599999994, 12);
  });

  it("has ERCOT's 2,064 $/MWh scarcity hour (the wide-spread market)", () => {
    const max = Math.max(...bundled["US-TEX-ERCO"]!.hours.map((h) => h.pricePerMWh));
    expect(max).toBeCloseTo(2064.495, 6);
  });

  it("clips slots to a window that starts and ends mid-hour", () => {
    const from = Date.UTC(2024, 6, 16, 1, 30);
    const t = marketToTariff(bundled["US-CAL-CISO"]!, { from, to: from + HOUR });
    expect(t.slots.map((s) => [s.startAt - from, s.endAt - from])).toEqual([[0, HOUR / 2], [HOUR / 2, HOUR]]);
    expect(t.slots[0]!.pricePerKWh).toBeCloseTo(0.030212425, 12);
  });

  it("replays prices from sourceFrom at a later simulation time", () => {
    const sim = Date.UTC(2026, 10, 23, 8);
    const t = marketToTariff(bundled["US-CAL-CISO"]!, { from: sim, to: sim + 2 * HOUR, sourceFrom: Date.UTC(2024, 6, 16, 1) });
    expect(t.slots[0]).toEqual({ startAt: sim, endAt: sim + HOUR, pricePerKWh: 0.030212425000000007 });
    expect(t.slots).toHaveLength(2);
  });

  it("says which span the data covers when the window has no prices", () => {
    expect(() => marketToTariff(bundled["DE-LU"]!, { from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) }))
      .toThrow("data covers [2024-01-01T00:00:00.000Z, 2025-01-01T00:00:00.000Z)");
  });

  it("finds a market-year in the shared folder or in data/, and names what exists otherwise", () => {
    const t = bundledMarketTariff("US-TEX-ERCO", 2024, { from: Date.UTC(2024, 4, 9, 1), to: Date.UTC(2024, 4, 9, 2) });
    expect(t.slots[0]!.pricePerKWh).toBeCloseTo(2.064495, 9);
    expect(() => bundledMarketTariff("XX", 2024, { from: 0, to: HOUR })).toThrow(/no prices for XX 2024 \(have .*DE-LU\/2024/);
  });
});

describe.skipIf(!SHARED)("day-ahead market prices (shared originals)", () => {
  it("lists 22 markets × 2023–2024", () => {
    const all = listMarkets();
    expect(all).toHaveLength(44);
    expect(all.filter((m) => m.market === "US-CAL-CISO").map((m) => m.year)).toEqual([2023, 2024]);
  });

  it("falls back to the shared folder for a market-year that is not bundled", () => {
    const t = bundledMarketTariff("US-CAL-CISO", 2023, { from: Date.UTC(2023, 0, 1), to: Date.UTC(2023, 0, 1, 1) });
    expect(t.slots).toHaveLength(1);
    expect(bundledMarkets().some((m) => m.year === 2023)).toBe(false);
  });

  it("reads the shared CAISO 2024 file the same as the bundled copy, and merges two years", () => {
    const shared = listMarkets().filter((m) => m.market === "US-CAL-CISO");
    const both = loadMarketPrices(...shared.map((m) => m.path));
    expect(both.hours).toHaveLength(8760 + 8784);
    const bundled = loadMarketPrices(bundledMarkets().find((m) => m.market === "US-CAL-CISO")!.path);
    expect(both.hours.slice(8760)).toEqual(bundled.hours);
    const newYear = marketToTariff(both, { from: Date.UTC(2023, 11, 31, 23), to: Date.UTC(2024, 0, 1, 1) });
    expect(newYear.slots).toHaveLength(2);
  });
});

describe("market CSV parsing", () => {
  it("accepts gzip Buffers and sorts rows", () => {
    const s = parseMarketPrices(gzipSync(csv(
      "2024-01-01 01:00:00+00:00,x,2", "2024-01-01 00:00:00+00:00,x,-1.5",
    )));
    expect(s.hours.map((h) => h.pricePerMWh)).toEqual([-1.5, 2]);
  });

  it("leaves a missing hour as a gap priced at the default", () => {
    const s = parseMarketPrices(csv("2024-01-01 00:00:00+00:00,x,10", "2024-01-01 02:00:00+00:00,x,30"));
    const t = marketToTariff(s, { from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 0, 1, 3) });
    expect(t.slots.map((x) => x.startAt)).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 2)]);
    expect(t.defaultPricePerKWh).toBeCloseTo(0.02, 12);
  });

  it("names the line and the problem for bad rows", () => {
    expect(() => parseMarketPrices(csv("2024-01-01 00:00:00+00:00,x,abc"), "f.csv")).toThrow('f.csv: line 2: bad price "abc"');
    expect(() => parseMarketPrices(csv("yesterday,x,1"), "f.csv")).toThrow('f.csv: line 2: bad UTC time "yesterday"');
    expect(() => parseMarketPrices("a,b,c\n1,2,3", "f.csv")).toThrow("f.csv: line 1: expected a header with a UTC column");
    expect(() => parseMarketPrices(HEADER, "f.csv")).toThrow("f.csv: no price rows");
    const dup = parseMarketPrices(csv("2024-01-01 00:00:00+00:00,x,1"));
    expect(() => mergeMarketSeries([dup, dup])).toThrow("hour 2024-01-01T00:00:00.000Z appears twice");
  });

  it("returns no markets for a missing folder", () => {
    expect(listMarkets("/nonexistent/standardized")).toEqual([]);
  });
});
