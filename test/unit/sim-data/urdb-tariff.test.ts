import { describe, expect, it } from "vitest";
import {
  BUNDLED, DataError, bundledUrdb, dataPath, loadUrdbTariff, parseUrdbTariff, sharedDataPath, urdbPeriodAt, urdbToTariff,
} from "../../../lib/sim/data/index.ts";
import { HOUR, SHARED } from "./helpers.ts";

const LA = { timeZone: "America/Los_Angeles" };
// Tuesday 16 July 2024, 17:00 PDT = 00:00 UTC on the 17th.
const TUE_JUL_17H_PDT = Date.UTC(2024, 6, 17, 0, 0);

function minimalItem(overrides: Record<string, unknown> = {}) {
  const flat: number[][] = Array.from({ length: 12 }, () => Array.from({ length: 24 }, (_, h) => (h >= 16 && h < 21 ? 1 : 0)));
  return {
    items: [{
      name: "test", energyratestructure: [[{ rate: 0.1 }], [{ rate: 0.3, adj: 0.01 }]],
      energyweekdayschedule: flat, energyweekendschedule: flat, ...overrides,
    }],
  };
}

describe("URDB TOU tariff (bundled SCE TOU-8 option D)", () => {
  const sce = bundledUrdb("sce-tou8");

  it("reads six periods priced as tier-0 rate + adj", () => {
    expect(sce.utility).toBe("Southern California Edison Co");
    expect(sce.periods).toHaveLength(6);
    expect(sce.periods[5]!.pricePerKWh).toBeCloseTo(0.15072 + 0.00114, 10);
    expect(sce.periods[0]!.label).toBe("period 0");
  });

  it("prices a summer weekday 17:00 local at the on-peak period 5", () => {
    const p = urdbPeriodAt(sce, TUE_JUL_17H_PDT, LA);
    expect(p.index).toBe(5);
    expect(p.pricePerKWh).toBeCloseTo(0.15186, 10);
  });

  it("uses the weekend schedule on Saturday (summer 17:00 → period 4, not 5)", () => {
    const sat = Date.UTC(2024, 6, 21, 0, 0); // Sat 20 July 17:00 PDT = 00:00 UTC on the 21st
    expect(urdbPeriodAt(sce, sat, LA).index).toBe(4);
  });

  it("honours DST with an IANA zone where a fixed offset does not", () => {
    const janWeekday8am = Date.UTC(2024, 0, 10, 16, 0); // Wed 08:00 PST
    expect(urdbPeriodAt(sce, janWeekday8am, LA).index).toBe(0);
    expect(urdbPeriodAt(sce, janWeekday8am, { utcOffsetHours: -7 }).index).toBe(0); // 09:00 — still period 0
    expect(urdbPeriodAt(sce, janWeekday8am - HOUR, LA).index).toBe(1); // 07:00 PST
    expect(urdbPeriodAt(sce, janWeekday8am - HOUR, { utcOffsetHours: -7 }).index).toBe(0); // 08:00 at −7
  });

  it("turns a week into contiguous merged slots covering exactly [from, to)", () => {
    const from = Date.UTC(2024, 6, 15, 7), to = from + 7 * 24 * HOUR; // Mon 00:00 PDT
    const t = urdbToTariff(sce, { from, to, ...LA });
    expect(t.currency).toBe("USD");
    expect(t.slots[0]!.startAt).toBe(from);
    expect(t.slots.at(-1)!.endAt).toBe(to);
    for (let i = 1; i < t.slots.length; i++) {
      expect(t.slots[i]!.startAt).toBe(t.slots[i - 1]!.endAt);
      expect(t.slots[i]!.pricePerKWh).not.toBe(t.slots[i - 1]!.pricePerKWh);
    }
    // Summer: 5 weekdays with a 16–21h peak (5 h at period 5), weekends 16–21h at period 4.
    const peakHours = t.slots.filter((s) => s.pricePerKWh === sce.periods[5]!.pricePerKWh)
      .reduce((h, s) => h + (s.endAt - s.startAt) / HOUR, 0);
    expect(peakHours).toBe(25);
    const mean = (25 * 0.15186 + 10 * 0.14199 + (168 - 35) * 0.11343) / 168;
    expect(t.defaultPricePerKWh).toBeCloseTo(mean, 10);
  });

  it("splits a slot at the spring-forward DST change (local clock jumps an hour)", () => {
    const t = urdbToTariff(sce, { from: Date.UTC(2024, 2, 10, 8), to: Date.UTC(2024, 2, 11, 7), ...LA });
    // Sunday 10 March: 08:00 local is 15:00 UTC after the change, not 16:00.
    expect(t.slots.find((s) => s.pricePerKWh === sce.periods[0]!.pricePerKWh)!.startAt).toBe(Date.UTC(2024, 2, 10, 15));
  });

  it("follows the fall-back DST change and matches a fixed offset away from DST changes", () => {
    const nov = urdbToTariff(sce, { from: Date.UTC(2024, 10, 3, 7), to: Date.UTC(2024, 10, 4, 8), ...LA });
    // Sunday 3 Nov: 08:00 local is 16:00 UTC after clocks go back (15:00 before).
    expect(nov.slots.find((s) => s.pricePerKWh === sce.periods[0]!.pricePerKWh)!.startAt).toBe(Date.UTC(2024, 10, 3, 16));
    const from = Date.UTC(2024, 6, 1), to = Date.UTC(2024, 7, 1);
    expect(urdbToTariff(sce, { from, to, ...LA })).toEqual(urdbToTariff(sce, { from, to, utcOffsetHours: -7 }));
  });

  it("reads the SMUD TOD4 summer weekday peak (0.2367 + 0.0003)", () => {
    const smud = bundledUrdb("smud-tod4");
    expect(urdbPeriodAt(smud, TUE_JUL_17H_PDT, LA).pricePerKWh).toBeCloseTo(0.237, 10);
  });

  it("keeps demand and fixed charges as data", () => {
    expect(sce.demand.touRatesPerKW).toEqual([0, 8.83, 29.54]);
    expect(sce.demand.weekday![6]![17]).toBe(2);
    expect(sce.demand.flatRatesPerKW).toEqual([25.36]);
    expect(sce.fixedChargePerMonth).toBe(447.44);
  });

  it.skipIf(!SHARED)("reads the same as the shared original", () => {
    const shared = loadUrdbTariff(sharedDataPath("tariffs/urdb/SCE_TOU-8__Option-D_Under-2-kV.json"));
    expect(shared).toEqual(sce);
    const sdge = loadUrdbTariff(sharedDataPath("tariffs/urdb/San_Diego_Gas_Electric_Co_AL_TOU_Secondary_Above_500kW.json"));
    expect(urdbPeriodAt(sdge, TUE_JUL_17H_PDT, LA).pricePerKWh).toBeCloseTo(0.01874 + 0.20968, 10); // summer on-peak is period 0;
  });
});

describe("URDB parsing edge cases", () => {
  it("uses period labels when the tariff has them", () => {
    const u = parseUrdbTariff(JSON.stringify(minimalItem({ energytoulabels: ["off-peak", "on-peak"] })));
    expect(u.periods.map((p) => p.label)).toEqual(["off-peak", "on-peak"]);
    expect(u.periods[1]!.pricePerKWh).toBeCloseTo(0.31, 10);
  });

  it("accepts a Buffer and a bare item", () => {
    const u = parseUrdbTariff(Buffer.from(JSON.stringify(minimalItem().items[0])));
    expect(u.periods).toHaveLength(2);
  });

  it("names the field when a schedule points at a missing period", () => {
    const bad = minimalItem();
    bad.items[0]!.energyweekdayschedule[3]![7] = 9;
    expect(() => parseUrdbTariff(JSON.stringify(bad))).toThrow("energyweekdayschedule[3][7]: period 9 is not in 0..1");
  });

  it("rejects a rate structure without a rate", () => {
    expect(() => parseUrdbTariff(JSON.stringify(minimalItem({ energyratestructure: [[{ adj: 1 }]] }))))
      .toThrow("energyratestructure[0][0].rate: missing or not a number");
  });

  it("rejects a schedule with the wrong shape, bad JSON and a missing file", () => {
    expect(() => parseUrdbTariff(JSON.stringify(minimalItem({ energyweekendschedule: [[0]] }))))
      .toThrow("energyweekendschedule: expected 12 months of 24 hours");
    expect(() => parseUrdbTariff("{nope")).toThrow(DataError);
    expect(() => loadUrdbTariff(dataPath("tariffs/urdb/none.json"))).toThrow(/none\.json: file not found/);
  });

  it("requires a zone and a non-empty window", () => {
    const u = parseUrdbTariff(JSON.stringify(minimalItem()));
    expect(() => urdbToTariff(u, { from: 0, to: HOUR })).toThrow("zone: give utcOffsetHours");
    expect(() => urdbToTariff(u, { from: HOUR, to: HOUR, utcOffsetHours: 0 })).toThrow("window: need finite from < to");
    expect(() => urdbToTariff(u, { from: 0, to: HOUR, timeZone: "Mars/Olympus" })).toThrow('unknown IANA zone "Mars/Olympus"');
  });

  it("handles a half-hour offset by splitting at local hour boundaries", () => {
    const u = parseUrdbTariff(JSON.stringify(minimalItem()));
    const day = Date.UTC(2024, 0, 10); // Wednesday
    const t = urdbToTariff(u, { from: day, to: day + 24 * HOUR, utcOffsetHours: 5.5 });
    const peak = t.slots.filter((s) => s.pricePerKWh > 0.2);
    expect(peak).toHaveLength(1);
    expect(peak[0]!.startAt).toBe(day + 10.5 * HOUR); // 16:00 local = 10:30 UTC
    expect(peak[0]!.endAt - peak[0]!.startAt).toBe(5 * HOUR);
  });

  it("lists bundled tariffs by name", () => {
    expect(Object.keys(BUNDLED.urdb)).toContain("sce-tou8");
    expect(() => bundledUrdb("nope" as "sce-tou8")).toThrow('unknown bundled tariff "nope"');
  });
});
