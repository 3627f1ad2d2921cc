/** The terminal never shows "NaN": a missing or broken figure prints as "—" (or adds nothing to a total). */
import { describe, expect, it } from "vitest";
import { fixed, money } from "../../../lib/cli/format.ts";
import type { ApiClient } from "../../../lib/http/client/api-client.ts";
import { readFarmStatus, statusLines, tariffText } from "../../../lib/local/farm-status.ts";

describe("numbers in CLI output", () => {
  it("prints a missing or non-finite amount as a dash", () => {
    expect([money(NaN), money(Infinity), money(undefined), money(1.5)]).toEqual(["—", "—", "—", "1.50 USD"]);
    expect([fixed(NaN, 1), fixed(2.25, 1)]).toEqual(["—", "2.3"]);
  });

  it("keeps the live farm lines free of NaN when the usage API leaves a figure out", async () => {
    const replies: Record<string, unknown> = {
      "/farm": { at: "2026-03-03T15:40:00.000Z" },
      "/nodes": { items: [{ pool: "onprem", status: "ready", lastSeenAgeSec: 3, running: 1 }] },
      "/jobs": { items: [], nextToken: null },
      "/clients": { items: [{ id: "a" }, { id: "b" }] },
      "/clients/a/usage": { totals: { cloudCost: 1.25, energyCost: 0.5, energyKWh: 3 } },
      "/clients/b/usage": { totals: { cloudCost: 2 } },
    };
    const api = { get: async (path: string) => replies[path], all: async () => [] } as unknown as ApiClient;
    const status = await readFarmStatus(api, "2026-03-02");
    expect(status).toMatchObject({ cloudCost: 3.25, energyCost: 0.5, energyKWh: 3 });
    const text = statusLines({ ...status, energyKWh: NaN }, "farm clock", tariffText({ tariff: null }, status.at, "UTC")).join("\n");
    expect(text).not.toMatch(/NaN/);
    expect(text).toContain("energy — kWh");
  });
});
