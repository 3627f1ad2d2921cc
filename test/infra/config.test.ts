/** The stack's context: defaults that synth offline, and every bad value refused with its key. */
import { describe, expect, it } from "vitest";
import { configFromContext, defaultConfig } from "../../lib/infra/config.ts";

const ctx = (values: Record<string, unknown>) => (key: string) => values[key];

describe("configFromContext", () => {
  it("falls back to defaults with no context", () => {
    expect(configFromContext(ctx({}))).toEqual(defaultConfig);
  });

  it("reads lists, numbers and the network from context", () => {
    const c = configFromContext(ctx({
      "burstfarm:allowedInstanceTypes": "c7i.8xlarge, g6.2xlarge", "burstfarm:vpcId": "vpc-0abc", "burstfarm:subnetIds": ["subnet-1", "subnet-2"],
      "burstfarm:maxSpendPerHour": "120.5", "burstfarm:maxInstances": 64, "burstfarm:spotAllocation": "capacity-optimized",
      "burstfarm:alarmEmail": "wrangler@studio.example", "burstfarm:agentPackage": "https://packages.studio.example/burstfarm-agent-1.2.0.tgz",
    }));
    expect(c).toMatchObject({
      allowedInstanceTypes: ["c7i.8xlarge", "g6.2xlarge"], vpcId: "vpc-0abc", subnetIds: ["subnet-1", "subnet-2"],
      maxSpendPerHour: 120.5, maxInstances: 64, spotAllocation: "capacity-optimized", alarmEmail: "wrangler@studio.example",
    });
  });

  it.each([
    [{ "burstfarm:maxInstances": "0" }, "burstfarm:maxInstances must be a positive number"],
    [{ "burstfarm:maxInstances": "0.5" }, "burstfarm:maxInstances must be at least 1"],
    [{ "burstfarm:maxSpendPerHour": "lots" }, "burstfarm:maxSpendPerHour must be a positive number"],
    [{ "burstfarm:vpcId": "vpc-1" }, "burstfarm:subnetIds is required with burstfarm:vpcId"],
    [{ "burstfarm:subnetIds": "subnet-1" }, "burstfarm:vpcId is required with burstfarm:subnetIds"],
    [{ "burstfarm:spotAllocation": "lowest-price" }, "burstfarm:spotAllocation must be price-capacity-optimized or capacity-optimized"],
    [{ "burstfarm:alarmEmail": "nobody" }, "burstfarm:alarmEmail is not an email address"],
    [{ "burstfarm:agentPackage": "ftp://x/y.tgz" }, "burstfarm:agentPackage must be an s3:// or https:// URL"],
    [{ "burstfarm:allowedInstanceTypes": "c6i.8xlarge,rm -rf" }, "burstfarm:allowedInstanceTypes: \"rm -rf\" is not an instance type"],
  ])("refuses %j", (values, message) => {
    expect(() => configFromContext(ctx(values))).toThrow(message);
  });
});
