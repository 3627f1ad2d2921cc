/** GET /farm's cloud figures: live cloud nodes against the farm's ceiling, counted as the capacity guards count them. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { farmSummary } from "../../../lib/service/farm-summary.ts";
import { seedNode, startService, type ServiceFixture } from "../../support/service-fixture.ts";

const operator = { kind: "operator", operatorId: "wrangler" } as const;
let svc: ServiceFixture;

beforeAll(async () => {
  svc = await startService();
  for (const id of ["r01", "i-0live", "i-0gone"]) await seedNode(svc.deps, id);
  const asCloud = (id: string, terminatedAt?: number) => svc.deps.nodes.update(id, (n) => ({
    next: {
      ...n, pool: "cloud" as const, instanceType: "c6i.8xlarge", market: "spot" as const, pricePerHour: 0.75, clientId: "A",
      cloud: { requestKey: "1#0", launchedAt: svc.clock.now(), jobIds: [], round: 0, ...(terminatedAt ? { terminatedAt } : {}) },
    },
    result: null,
  }));
  await asCloud("i-0live");
  await asCloud("i-0gone", svc.clock.now());
});
afterAll(() => svc?.stop());

describe("the farm summary's cloud figures", () => {
  it("counts live cloud nodes only (launched, not terminated), with the configured ceiling", async () => {
    svc.deps.cloudLimits = { maxSpendPerHour: 10, maxInstances: 4 };
    expect((await farmSummary(svc.deps, operator)).cloud).toEqual({ livePerHour: 0.75, liveInstances: 1, limits: { maxSpendPerHour: 10, maxInstances: 4 } });
  });

  it("says there is no ceiling (null), rather than inventing one, when none is configured", async () => {
    delete svc.deps.cloudLimits;
    expect((await farmSummary(svc.deps, operator)).cloud.limits).toEqual({ maxSpendPerHour: null, maxInstances: null });
  });
});
