import { describe, expect, it } from "vitest";
import { cloudLimitsFromEnv, wire } from "../../../lambdas/wire.ts";

describe("the farm's cloud ceiling from the environment", () => {
  it("reads spend per hour and instances, either alone, and nothing when neither is set", () => {
    expect(cloudLimitsFromEnv({ BURSTFARM_MAX_SPEND_PER_HOUR: "37.5", BURSTFARM_MAX_INSTANCES: "6" })).toEqual({ maxSpendPerHour: 37.5, maxInstances: 6 });
    expect(cloudLimitsFromEnv({ BURSTFARM_MAX_INSTANCES: "6" })).toEqual({ maxInstances: 6 });
    expect(cloudLimitsFromEnv({ BURSTFARM_MAX_SPEND_PER_HOUR: "" })).toBeUndefined();
    expect(cloudLimitsFromEnv({})).toBeUndefined();
  });

  it("fails fast on a bad value, naming the variable", () => {
    expect(() => cloudLimitsFromEnv({ BURSTFARM_MAX_SPEND_PER_HOUR: "ten" })).toThrow('BURSTFARM_MAX_SPEND_PER_HOUR must be a positive number, got "ten"');
    expect(() => cloudLimitsFromEnv({ BURSTFARM_MAX_SPEND_PER_HOUR: "0" })).toThrow(/^BURSTFARM_MAX_SPEND_PER_HOUR/);
    expect(() => cloudLimitsFromEnv({ BURSTFARM_MAX_INSTANCES: "2.5" })).toThrow('BURSTFARM_MAX_INSTANCES must be a positive whole number, got "2.5"');
    expect(() => wire({ TABLE_NAME: "t", BURSTFARM_MAX_INSTANCES: "-1" })).toThrow(/BURSTFARM_MAX_INSTANCES/);
  });

  it("hands the ceiling to the service (and from there to every planning snapshot)", () => {
    expect(wire({ TABLE_NAME: "t", BURSTFARM_MAX_SPEND_PER_HOUR: "20", BURSTFARM_MAX_INSTANCES: "4" }).deps.cloudLimits).toEqual({ maxSpendPerHour: 20, maxInstances: 4 });
    expect(wire({ TABLE_NAME: "t" }).deps.cloudLimits).toBeUndefined();
  });
});
