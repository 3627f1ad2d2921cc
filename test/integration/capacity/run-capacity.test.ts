/**
 * The capacity use case against real local DynamoDB (dynalite) with the EC2 adapter on a mocked
 * EC2 client: burst requests become exact CreateFleet calls and node records; capacity errors
 * fall through to the next type; timeouts and re-runs never double capacity; the guards refuse
 * with a reason the job's "why" shows; released nodes are terminated.
 */
import { CreateFleetCommand, DescribeInstancesCommand, EC2Client, TerminateInstancesCommand } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Ec2CloudCapacity } from "../../../lib/adapters/aws/ec2-cloud-capacity.ts";
import { launchToken, runCapacity, type CapacityLimits } from "../../../lib/service/capacity/index.ts";
import { getJob } from "../../../lib/service/get-job.ts";
import { submitJob } from "../../../lib/service/submit-job.ts";
import { queryAudit } from "../../../lib/service/query-audit.ts";
import type { BurstRequest } from "../../../lib/planner/index.ts";
import { anOffer, HOUR, MIN, T0 } from "../../builders/planner.ts";
import { asClient, nativeJob, operator, seedClient, startService, type ServiceFixture } from "../../support/service-fixture.ts";

const ec2Mock = mockClient(EC2Client);
const system = { kind: "system" as const, component: "capacity" };
const caps = { vcpu: 16, memoryGiB: 32, gpuCount: 0, os: "linux" as const, cpuArch: "x86_64" };
const offers = [
  anOffer("c6i.4xlarge", { capabilities: caps, spotPricePerHour: 0.3, onDemandPricePerHour: 0.68, bootSec: 240 }),
  anOffer("c5.4xlarge", { capabilities: caps, spotPricePerHour: 0.32, onDemandPricePerHour: 0.68, bootSec: 240 }),
  anOffer("m6i.4xlarge", { capabilities: { ...caps, memoryGiB: 64 }, spotPricePerHour: 0.35, onDemandPricePerHour: 0.77, bootSec: 240 }),
  anOffer("g5.xlarge", { capabilities: { ...caps, vcpu: 4, gpuCount: 1 }, spotPricePerHour: 0.4, onDemandPricePerHour: 1.0 }),
];
const open: CapacityLimits = { maxSpendPerHour: 100, maxInstances: 50, allowedTypes: [] };
const request = (over: Partial<BurstRequest> = {}): BurstRequest => ({
  clientId: "acme", instanceType: "c6i.4xlarge", market: "spot", count: 3, kind: "render-cpu", jobIds: ["job-x"],
  deadlineAt: T0 + 6 * HOUR, estimatedCost: 3 * 0.3 * 2, reason: "deficit", ...over,
});
const fleet = (ids: string[], type = "c6i.4xlarge", life: "spot" | "on-demand" = "spot", errors: [string, string][] = []) => ({
  Instances: ids.length ? [{ InstanceIds: ids, InstanceType: type as never, Lifecycle: life }] : [],
  Errors: errors.map(([code, t]) => ({ ErrorCode: code, ErrorMessage: code, LaunchTemplateAndOverrides: { Overrides: { InstanceType: t as never } } })),
});

let svc: ServiceFixture;
const cloud = () => new Ec2CloudCapacity(new EC2Client({ region: "us-west-2" }), { launchTemplateId: "lt-1", launchTemplateVersion: "3", subnetIds: ["subnet-a"], sleep: async () => {}, random: () => 0 });
const run = (limits = open) => runCapacity(svc.deps, cloud(), { limits, farm: "Burstfarm" }, system);

beforeEach(async () => {
  ec2Mock.reset();
  svc = await startService();
  await svc.deps.plans.saveSettings({ cloudOffers: offers });
  await seedClient(svc.deps, "acme", { cloudAllowed: true, cloudBudgetPerMonth: 500 });
});
afterEach(async () => { await svc.stop(); });

describe("runCapacity", () => {
  it("turns a spot request into one exact CreateFleet and a node record per instance, priced from the offers", async () => {
    await svc.deps.plans.recordBurst(T0, [request()]);
    ec2Mock.on(CreateFleetCommand).resolves(fleet(["i-1", "i-2", "i-3"]));
    const r = await run();

    expect(r.launched).toEqual(["i-1", "i-2", "i-3"]);
    expect(ec2Mock).toHaveReceivedCommandTimes(CreateFleetCommand, 1);
    const key = `${T0}#acme#render-cpu`;
    expect(ec2Mock).toHaveReceivedCommandWith(CreateFleetCommand, {
      ClientToken: launchToken("Burstfarm", key, 0),
      LaunchTemplateConfigs: [{
        LaunchTemplateSpecification: { LaunchTemplateId: "lt-1", Version: "3" },
        // The requested type first, then the types at least as capable within 20% of its cost per throughput.
        Overrides: [{ InstanceType: "c6i.4xlarge", SubnetId: "subnet-a" }, { InstanceType: "c5.4xlarge", SubnetId: "subnet-a" }, { InstanceType: "m6i.4xlarge", SubnetId: "subnet-a" }],
      }],
      TargetCapacitySpecification: { TotalTargetCapacity: 3, DefaultTargetCapacityType: "spot", SpotTargetCapacity: 3 },
    });
    const node = await svc.deps.nodes.get("i-2");
    expect(node).toMatchObject({
      id: "i-2", pool: "cloud", status: "booting", instanceType: "c6i.4xlarge", market: "spot", pricePerHour: 0.3, clientId: "acme",
      readyAt: T0 + 240_000, capabilities: caps, cloud: { requestKey: key, launchedAt: T0, jobIds: ["job-x"], round: 0 },
    });
    expect(await svc.deps.plans.pendingBurst()).toEqual([]);
    const audit = await queryAudit(svc.deps, {}, operator);
    expect(audit.items.find((e) => e.action === "burst.fulfilled")?.after).toMatchObject({ reason: "launched 3 of 3" });
  });

  it("falls through to the next type after InsufficientInstanceCapacity, under a new ClientToken", async () => {
    await svc.deps.plans.recordBurst(T0, [request()]);
    const key = `${T0}#acme#render-cpu`;
    ec2Mock.on(CreateFleetCommand, { ClientToken: launchToken("Burstfarm", key, 0) })
      .resolves(fleet(["i-1"], "c6i.4xlarge", "spot", [["InsufficientInstanceCapacity", "c6i.4xlarge"], ["InsufficientInstanceCapacity", "c5.4xlarge"]]))
      .on(CreateFleetCommand, { ClientToken: launchToken("Burstfarm", key, 1) })
      .resolves(fleet(["i-2", "i-3"], "m6i.4xlarge"));
    const r = await run();
    expect(r.launched).toEqual(["i-1", "i-2", "i-3"]);
    const second = ec2Mock.commandCalls(CreateFleetCommand)[1]!.args[0].input;
    expect(second.LaunchTemplateConfigs![0]!.Overrides).toEqual([{ InstanceType: "m6i.4xlarge", SubnetId: "subnet-a" }]);
    expect(second.TargetCapacitySpecification).toEqual({ TotalTargetCapacity: 2, DefaultTargetCapacityType: "spot", SpotTargetCapacity: 2 });
    expect((await svc.deps.nodes.get("i-3"))).toMatchObject({ instanceType: "m6i.4xlarge", pricePerHour: 0.35, cloud: { round: 1 } });
  });

  it("never doubles capacity: a timed-out launch retried, then a re-run after a crash before settling", async () => {
    await svc.deps.plans.recordBurst(T0, [request()]);
    ec2Mock.on(CreateFleetCommand).rejectsOnce(Object.assign(new Error("timed out"), { name: "TimeoutError" })).resolves(fleet(["i-1", "i-2", "i-3"]));
    const settle = svc.deps.plans.settleBurst.bind(svc.deps.plans);
    let crashes = 1;
    svc.deps.plans.settleBurst = async (...a) => { if (crashes-- > 0) throw new Error("Lambda crashed"); return settle(...a); };
    await expect(run()).rejects.toThrow("Lambda crashed");
    const again = await run();

    const tokens = ec2Mock.commandCalls(CreateFleetCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens).toEqual([launchToken("Burstfarm", `${T0}#acme#render-cpu`, 0), launchToken("Burstfarm", `${T0}#acme#render-cpu`, 0)]);
    expect(again.launched).toEqual([]);
    expect(again.outcomes.fulfilled).toHaveLength(1);
    expect((await svc.deps.nodes.list()).filter((n) => n.pool === "cloud")).toHaveLength(3);
  });

  it("keeps a throttled request pending and launches it on the next run", async () => {
    await svc.deps.plans.recordBurst(T0, [request({ count: 1 })]);
    const throttle = Object.assign(new Error("slow down"), { name: "RequestLimitExceeded" });
    ec2Mock.on(CreateFleetCommand).rejectsOnce(throttle).rejectsOnce(throttle).rejectsOnce(throttle).rejectsOnce(throttle).resolves(fleet(["i-9"]));
    const first = await run();
    expect(first.outcomes.retry).toHaveLength(1);
    expect(await svc.deps.plans.pendingBurst()).toHaveLength(1);
    svc.clock.advance(MIN);
    const second = await run();
    expect(second.launched).toEqual(["i-9"]);
    expect(await svc.deps.plans.pendingBurst()).toEqual([]);
  });

  it("stops at the farm's spend ceiling part-way through a run and says so", async () => {
    // Two cycles' requests: the first takes 3 × 0.30/h; the second may add only what 1.30/h leaves (priced at the dearest type, 0.35).
    await svc.deps.plans.recordBurst(T0, [request({ count: 3 })]);
    await svc.deps.plans.recordBurst(T0 + MIN, [request({ count: 3, jobIds: ["job-y"] })]);
    ec2Mock.on(CreateFleetCommand, { ClientToken: launchToken("Burstfarm", `${T0}#acme#render-cpu`, 0) }).resolves(fleet(["i-1", "i-2", "i-3"]))
      .on(CreateFleetCommand, { ClientToken: launchToken("Burstfarm", `${T0 + MIN}#acme#render-cpu`, 0) }).resolves(fleet(["i-4"]));
    svc.clock.advance(MIN);
    const r = await run({ ...open, maxSpendPerHour: 1.3 });
    expect(r.launched).toEqual(["i-1", "i-2", "i-3", "i-4"]);
    expect(ec2Mock.commandCalls(CreateFleetCommand).map((c) => c.args[0].input.TargetCapacitySpecification?.TotalTargetCapacity)).toEqual([3, 1]);
    expect(r.outcomes.partial).toEqual([`${T0 + MIN}#acme#render-cpu`]);
    const audit = await queryAudit(svc.deps, {}, operator);
    expect(String((audit.items.find((e) => e.action === "burst.partial")?.after as { reason: string }).reason))
      .toBe("launched 1 of 3: 1 of 3 instances: farm spend ceiling 1.30/h (0.90/h running)");
  });

  it("refuses a request over the client's budget, and the job's why says so", async () => {
    const { job } = await submitJob(svc.deps, { body: nativeJob({ deadline: new Date(T0 + 6 * HOUR).toISOString() }) }, asClient("acme"));
    await svc.deps.clients.update("acme", (c) => ({ next: { ...c, cloudBudgetLeft: 0.1 }, result: null }));
    await svc.deps.plans.saveLatest({ at: T0, decisions: [{ jobId: job.id, clientId: "acme", outcome: "burst", reason: "local capacity is 2h short", rank: 0, slackSec: -100, effectiveDeadlineAt: T0 + 6 * HOUR, atRisk: false, projectedFinishAt: null, remainingWorkSec: 7200, tasksAssigned: 0 }], burst: [], nodeActions: [], warnings: [], assignmentsWritten: 0, assignmentsSkipped: 0 });
    await svc.deps.plans.recordBurst(T0, [request({ jobIds: [job.id] })]);
    const r = await run();
    expect(r.outcomes.refused).toHaveLength(1);
    expect(ec2Mock).toHaveReceivedCommandTimes(CreateFleetCommand, 0);
    const view = await getJob(svc.deps, { jobId: job.id }, asClient("acme"));
    expect(view.why?.reason).toMatch(/^local capacity is 2h short — cloud: refused: client acme's cloud budget \(0.10 left/);
  });

  it("refuses types the studio did not allow, and the farm instance ceiling", async () => {
    await svc.deps.plans.recordBurst(T0, [request({ instanceType: "g5.xlarge", kind: "render-gpu", jobIds: ["j-gpu"] }), request({ count: 5 })]);
    ec2Mock.on(CreateFleetCommand).resolves(fleet(["i-1", "i-2"]));
    const r = await run({ maxSpendPerHour: 100, maxInstances: 2, allowedTypes: ["c6i.4xlarge", "c5.4xlarge"] });
    expect(r.outcomes.refused).toEqual([`${T0}#acme#render-gpu`]);
    expect(ec2Mock.commandCalls(CreateFleetCommand)[0]!.args[0].input.TargetCapacitySpecification?.TotalTargetCapacity).toBe(2);
    expect(ec2Mock.commandCalls(CreateFleetCommand)[0]!.args[0].input.LaunchTemplateConfigs![0]!.Overrides!.map((o) => o.InstanceType)).toEqual(["c6i.4xlarge", "c5.4xlarge"]);
    const audit = await queryAudit(svc.deps, {}, operator);
    const reasons = audit.items.filter((e) => e.action.startsWith("burst.")).map((e) => (e.after as { reason: string }).reason).sort();
    expect(reasons).toEqual([
      "launched 2 of 5: 2 of 5 instances: farm instance ceiling 2 (0 running)",
      "refused: instance type g5.xlarge is not among the studio's allowed types (c6i.4xlarge, c5.4xlarge)",
    ]);
  });

  it("terminates cloud nodes the plan released, and an instance whose agent never came up", async () => {
    await svc.deps.plans.recordBurst(T0, [request({ count: 2 })]);
    ec2Mock.on(CreateFleetCommand).resolves(fleet(["i-1", "i-2"]));
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    await run();
    await svc.deps.nodes.update("i-1", (n) => ({ next: { ...n, status: "ready", desiredStatus: "stop" }, result: null }));
    svc.clock.advance(MIN);
    expect((await run()).terminated).toEqual(["i-1"]);
    expect(ec2Mock).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: ["i-1"] });
    expect(await svc.deps.nodes.get("i-1")).toMatchObject({ status: "disabled", cloud: { terminatedAt: T0 + MIN, terminateReason: "released by the plan (idle)" } });
    svc.clock.advance(15 * MIN);
    expect((await run()).terminated).toEqual(["i-2"]);
    expect((await svc.deps.nodes.get("i-2"))?.cloud?.terminateReason).toBe("agent never came up after boot");
  });

  it("records instances the cloud took (spot reclaimed), and terminates an interrupted node once its notice is over", async () => {
    await svc.deps.plans.recordBurst(T0, [request({ count: 2 })]);
    ec2Mock.on(CreateFleetCommand).resolves(fleet(["i-1", "i-2"]));
    ec2Mock.on(TerminateInstancesCommand).resolves({});
    await run();
    await svc.deps.nodes.update("i-2", (n) => ({ next: { ...n, status: "draining", desiredStatus: "stop", cloud: { ...n.cloud!, interruptedAt: T0 + MIN } }, result: null }));
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [
      { InstanceId: "i-1", InstanceType: "c6i.4xlarge", State: { Name: "terminated" }, InstanceLifecycle: "spot" },
      { InstanceId: "i-2", InstanceType: "c6i.4xlarge", State: { Name: "running" }, InstanceLifecycle: "spot" },
    ] }] });
    svc.clock.advance(2 * MIN);
    // i-2's two minutes are not over yet: only i-1, which EC2 already took, is recorded — no TerminateInstances for it.
    expect((await run()).terminated).toEqual(["i-1"]);
    expect(ec2Mock).toHaveReceivedCommandTimes(TerminateInstancesCommand, 0);
    expect((await svc.deps.nodes.get("i-1"))?.cloud?.terminateReason).toBe("terminated by the cloud");
    svc.clock.advance(MIN);
    expect((await run()).terminated).toEqual(["i-2"]);
    expect(ec2Mock).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: ["i-2"] });
  });
});
