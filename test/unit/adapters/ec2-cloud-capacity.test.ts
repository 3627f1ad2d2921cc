/**
 * The EC2 adapter against a mocked EC2 client (there is no EC2 emulator): the exact CreateFleet
 * input for spot, on-demand and mixed launches, and what the adapter does with throttling,
 * timeouts, capacity errors and partial fleets.
 */
import { CreateFleetCommand, DescribeInstancesCommand, EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { beforeEach, describe, expect, it } from "vitest";
import { Ec2CloudCapacity } from "../../../lib/adapters/aws/ec2-cloud-capacity.ts";
import { RetryableError } from "../../../lib/service/errors.ts";
import type { LaunchSpec } from "../../../lib/service/capacity/index.ts";

const ec2Mock = mockClient(EC2Client);
const sleeps: number[] = [];
const adapter = () => new Ec2CloudCapacity(new EC2Client({ region: "us-west-2" }), {
  launchTemplateId: "lt-0abc", launchTemplateVersion: "7", subnetIds: ["subnet-a", "subnet-b"],
  sleep: async (ms) => { sleeps.push(ms); }, random: () => 1,
});
const spec = (over: Partial<LaunchSpec> = {}): LaunchSpec => ({
  token: "bf-token-r0", instanceTypes: ["c6i.4xlarge", "c5.4xlarge"], spotCount: 3, onDemandCount: 0,
  tags: { farm: "Burstfarm", client: "acme", jobs: ["job-1", "job-2"], request: "1700000000000#acme#render-cpu" }, ...over,
});
const tags = [
  { Key: "burstfarm:farm", Value: "Burstfarm" }, { Key: "burstfarm:client", Value: "acme" },
  { Key: "burstfarm:jobs", Value: "job-1 job-2" }, { Key: "burstfarm:request", Value: "1700000000000#acme#render-cpu" },
  { Key: "Name", Value: "burstfarm-acme" },
];
const fleet = (instances: [string, string, "spot" | "on-demand"][], errors: [string, string][] = []) => ({
  FleetId: "fleet-1",
  Instances: instances.map(([id, type, life]) => ({ InstanceIds: [id], InstanceType: type as never, Lifecycle: life, LaunchTemplateAndOverrides: { Overrides: { SubnetId: "subnet-a" } } })),
  Errors: errors.map(([code, type]) => ({ ErrorCode: code, ErrorMessage: `${code} for ${type}`, LaunchTemplateAndOverrides: { Overrides: { InstanceType: type as never } } })),
});
const throttle = () => Object.assign(new Error("Request limit exceeded."), { name: "RequestLimitExceeded", $metadata: { httpStatusCode: 503 } });

beforeEach(() => { ec2Mock.reset(); sleeps.length = 0; });

describe("CreateFleet input", () => {
  it("launches spot as an instant fleet over every type × subnet with price-capacity-optimized", async () => {
    ec2Mock.on(CreateFleetCommand).resolves(fleet([["i-1", "c6i.4xlarge", "spot"]]));
    await adapter().launch(spec());
    expect(ec2Mock).toHaveReceivedCommandTimes(CreateFleetCommand, 1);
    expect(ec2Mock.commandCalls(CreateFleetCommand)[0]!.args[0].input).toEqual({
      ClientToken: "bf-token-r0",
      Type: "instant",
      LaunchTemplateConfigs: [{
        LaunchTemplateSpecification: { LaunchTemplateId: "lt-0abc", Version: "7" },
        Overrides: [
          { InstanceType: "c6i.4xlarge", SubnetId: "subnet-a" }, { InstanceType: "c6i.4xlarge", SubnetId: "subnet-b" },
          { InstanceType: "c5.4xlarge", SubnetId: "subnet-a" }, { InstanceType: "c5.4xlarge", SubnetId: "subnet-b" },
        ],
      }],
      TargetCapacitySpecification: { TotalTargetCapacity: 3, DefaultTargetCapacityType: "spot", SpotTargetCapacity: 3 },
      SpotOptions: { AllocationStrategy: "price-capacity-optimized" },
      TagSpecifications: [{ ResourceType: "instance", Tags: tags }, { ResourceType: "fleet", Tags: tags }],
    });
  });

  it("launches on-demand only as asked, types in priority order", async () => {
    ec2Mock.on(CreateFleetCommand).resolves(fleet([["i-1", "c6i.4xlarge", "on-demand"]]));
    await adapter().launch(spec({ spotCount: 0, onDemandCount: 2 }));
    expect(ec2Mock.commandCalls(CreateFleetCommand)[0]!.args[0].input).toEqual({
      ClientToken: "bf-token-r0",
      Type: "instant",
      LaunchTemplateConfigs: [{
        LaunchTemplateSpecification: { LaunchTemplateId: "lt-0abc", Version: "7" },
        Overrides: [
          { InstanceType: "c6i.4xlarge", SubnetId: "subnet-a", Priority: 0 }, { InstanceType: "c6i.4xlarge", SubnetId: "subnet-b", Priority: 0 },
          { InstanceType: "c5.4xlarge", SubnetId: "subnet-a", Priority: 1 }, { InstanceType: "c5.4xlarge", SubnetId: "subnet-b", Priority: 1 },
        ],
      }],
      TargetCapacitySpecification: { TotalTargetCapacity: 2, DefaultTargetCapacityType: "on-demand", OnDemandTargetCapacity: 2 },
      OnDemandOptions: { AllocationStrategy: "prioritized" },
      TagSpecifications: [{ ResourceType: "instance", Tags: tags }, { ResourceType: "fleet", Tags: tags }],
    });
  });

  it("mixes markets in one fleet when the plan asked for both", async () => {
    ec2Mock.on(CreateFleetCommand).resolves(fleet([["i-1", "c6i.4xlarge", "spot"], ["i-2", "c5.4xlarge", "on-demand"]]));
    const r = await adapter().launch(spec({ spotCount: 4, onDemandCount: 1, instanceTypes: ["c6i.4xlarge"] }));
    expect(ec2Mock).toHaveReceivedCommandWith(CreateFleetCommand, {
      TargetCapacitySpecification: { TotalTargetCapacity: 5, DefaultTargetCapacityType: "spot", SpotTargetCapacity: 4, OnDemandTargetCapacity: 1 },
      SpotOptions: { AllocationStrategy: "price-capacity-optimized" },
      OnDemandOptions: { AllocationStrategy: "prioritized" },
    });
    expect(r.launched).toEqual([
      { instanceId: "i-1", instanceType: "c6i.4xlarge", market: "spot", placement: "subnet-a" },
      { instanceId: "i-2", instanceType: "c5.4xlarge", market: "on-demand", placement: "subnet-a" },
    ]);
  });
});

describe("faults", () => {
  it("backs off on a thrown RequestLimitExceeded and resends the same ClientToken", async () => {
    ec2Mock.on(CreateFleetCommand).rejectsOnce(throttle()).rejectsOnce(throttle()).resolves(fleet([["i-1", "c6i.4xlarge", "spot"]]));
    const r = await adapter().launch(spec());
    expect(r.launched.map((i) => i.instanceId)).toEqual(["i-1"]);
    const tokens = ec2Mock.commandCalls(CreateFleetCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens).toEqual(["bf-token-r0", "bf-token-r0", "bf-token-r0"]);
    expect(sleeps).toEqual([500, 1000]);
  });

  it("a launch that times out, then succeeds on retry, yields the one fleet (same token, no double capacity)", async () => {
    const timeout = Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
    ec2Mock.on(CreateFleetCommand).rejectsOnce(timeout).resolves(fleet([["i-1", "c6i.4xlarge", "spot"], ["i-2", "c6i.4xlarge", "spot"], ["i-3", "c6i.4xlarge", "spot"]]));
    const r = await adapter().launch(spec());
    expect(r.launched).toHaveLength(3);
    const calls = ec2Mock.commandCalls(CreateFleetCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(calls[0]);
  });

  it("gives up with RetryableError after its attempts, so the request stays pending", async () => {
    ec2Mock.on(CreateFleetCommand).rejects(throttle());
    await expect(adapter().launch(spec())).rejects.toBeInstanceOf(RetryableError);
    expect(ec2Mock).toHaveReceivedCommandTimes(CreateFleetCommand, 4);
  });

  it("retries a throttle reported inside the reply under a fresh token (nothing launched under the first)", async () => {
    ec2Mock.on(CreateFleetCommand)
      .resolvesOnce(fleet([], [["RequestLimitExceeded", "c6i.4xlarge"]]))
      .resolves(fleet([["i-1", "c6i.4xlarge", "spot"]]));
    const r = await adapter().launch(spec());
    expect(r.launched).toHaveLength(1);
    expect(ec2Mock.commandCalls(CreateFleetCommand).map((c) => c.args[0].input.ClientToken)).toEqual(["bf-token-r0", "bf-token-r0-t1"]);
  });

  it("returns partial fleets and capacity errors per type, without retrying them", async () => {
    ec2Mock.on(CreateFleetCommand).resolves(fleet([["i-1", "c5.4xlarge", "spot"]], [["InsufficientInstanceCapacity", "c6i.4xlarge"], ["SpotMaxPriceTooLow", "c6i.4xlarge"]]));
    const r = await adapter().launch(spec());
    expect(ec2Mock).toHaveReceivedCommandTimes(CreateFleetCommand, 1);
    expect(r.launched.map((i) => i.instanceId)).toEqual(["i-1"]);
    expect(r.errors).toEqual([
      { code: "InsufficientInstanceCapacity", message: "InsufficientInstanceCapacity for c6i.4xlarge", instanceType: "c6i.4xlarge" },
      { code: "SpotMaxPriceTooLow", message: "SpotMaxPriceTooLow for c6i.4xlarge", instanceType: "c6i.4xlarge" },
    ]);
  });

  it("does not retry a request EC2 rejects as invalid", async () => {
    ec2Mock.on(CreateFleetCommand).rejects(Object.assign(new Error("bad template"), { name: "InvalidLaunchTemplateId.NotFound", $metadata: { httpStatusCode: 400 } }));
    await expect(adapter().launch(spec())).rejects.toThrow(/InvalidLaunchTemplateId.NotFound/);
    expect(ec2Mock).toHaveReceivedCommandTimes(CreateFleetCommand, 1);
  });
});

describe("terminate and describe", () => {
  it("terminates, treating an already-gone instance as done", async () => {
    const notFound = Object.assign(new Error("gone"), { name: "InvalidInstanceID.NotFound", $metadata: { httpStatusCode: 400 } });
    ec2Mock.on(TerminateInstancesCommand, { InstanceIds: ["i-1", "i-2"] }).rejects(notFound)
      .on(TerminateInstancesCommand, { InstanceIds: ["i-1"] }).resolves({})
      .on(TerminateInstancesCommand, { InstanceIds: ["i-2"] }).rejects(notFound);
    await adapter().terminate(["i-1", "i-2"]);
    expect(ec2Mock).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: ["i-1"] });
    expect(ec2Mock).toHaveReceivedCommandTimes(TerminateInstancesCommand, 3);
  });

  it("describes instances with their market and state", async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [
      { InstanceId: "i-1", InstanceType: "c6i.4xlarge", State: { Name: "running" }, InstanceLifecycle: "spot" },
      { InstanceId: "i-2", InstanceType: "c5.4xlarge", State: { Name: "terminated" } },
    ] }] });
    const described = await adapter().describe(["i-1", "i-2"]);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, { Filters: [{ Name: "instance-id", Values: ["i-1", "i-2"] }] });
    expect(described).toHaveLength(2);
    expect(await adapter().describe(["i-1", "i-2"])).toEqual([
      { instanceId: "i-1", instanceType: "c6i.4xlarge", state: "running", market: "spot" },
      { instanceId: "i-2", instanceType: "c5.4xlarge", state: "terminated", market: "on-demand" },
    ]);
  });
});
