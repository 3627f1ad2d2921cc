/**
 * The capacity and cloud-events Lambdas through their handlers, on local DynamoDB and SQS:
 * the planner nudges the capacity queue after a cycle; a capacity run the cloud throttled keeps
 * its newest trigger for a retry; EventBridge's EC2 notices drain a node or are ignored when the
 * instance is not ours; a malformed event fails (EventBridge retries, then its DLQ).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCapacity } from "../../../lambdas/capacity.ts";
import { createCloudEvents } from "../../../lambdas/cloud-events.ts";
import { createPlanner } from "../../../lambdas/planner.ts";
import { wire, type Wired } from "../../../lambdas/wire.ts";
import { SqsJsonQueue } from "../../../lib/adapters/aws/sqs-queue.ts";
import { SimulatedCloud } from "../../../lib/adapters/local/simulated-cloud.ts";
import { aLambdaContext, anSqsEvent, anSqsRecord, aScheduledEvent } from "../../builders/api-events.ts";
import { anOffer, HOUR } from "../../builders/planner.ts";
import { localCredentials, startLocalAws, type LocalAws } from "../../support/local-aws.ts";

const offer = anOffer("c6i.8xlarge", { bootSec: 60 });
const ctx = aLambdaContext("capacity");
let aws: LocalAws;
let w: Wired;
let sim: SimulatedCloud;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  aws = await startLocalAws();
  w = wire({
    TABLE_NAME: aws.tableName, DYNAMODB_ENDPOINT: aws.dynamoEndpoint, SQS_ENDPOINT: aws.sqsEndpoint,
    PLAN_TRIGGER_QUEUE_URL: aws.queueUrls.planTrigger, CAPACITY_QUEUE_URL: aws.queueUrls.capacity, POWERTOOLS_LOG_LEVEL: "SILENT",
  }, { credentials: localCredentials });
  sim = new SimulatedCloud({ clock: w.deps.clock, offers: () => [offer], bootAgent: () => {}, schedule: () => {} });
  await w.deps.plans.saveSettings({ cloudOffers: [offer] });
  await w.deps.clients.create({ id: "acme", name: "Acme", guaranteedShare: 0, maxShare: 1, cloudAllowed: true, cloudBudgetPerMonth: 500, cloudBudgetLeft: 500, createdAt: Date.now(), version: 1 });
});
afterAll(async () => { await aws.stop(); });

const capacity = () => createCapacity(w, { cloud: sim, limits: { maxSpendPerHour: 10, maxInstances: 5, allowedTypes: [] }, farm: "test" });
const request = (at: number) => w.deps.plans.recordBurst(at, [{ clientId: "acme", instanceType: "c6i.8xlarge", market: "spot", count: 2, kind: "render-cpu", jobIds: ["j"], deadlineAt: at + 4 * HOUR, estimatedCost: 2, reason: "deficit" }]);

describe("capacity Lambda", () => {
  it("is nudged by the planner after each cycle", async () => {
    const at = Date.now();
    await createPlanner(w, "planner-test")(aScheduledEvent(new Date(at)), ctx);
    const got = await new SqsJsonQueue<{ reason: string; at: number }>(aws.sqs, aws.queueUrls.capacity).receive({ max: 10 });
    expect(got.map((m) => m.body.reason)).toEqual([expect.stringMatching(/^plan \d+$/)]);
  });

  it("launches what the plan asked, and keeps the newest trigger for a retry when the cloud throttles", async () => {
    await request(Date.now());
    sim.throttle(1);
    const records = ["a", "b"].map((id) => anSqsRecord({ reason: "plan", at: Date.now() }, { messageId: id }));
    expect(await capacity()(anSqsEvent(records), ctx)).toEqual({ batchItemFailures: [{ itemIdentifier: "b" }] });
    expect(await w.deps.plans.pendingBurst()).toHaveLength(1);
    expect(await capacity()(anSqsEvent(records), ctx)).toEqual({ batchItemFailures: [] });
    expect(await w.deps.plans.pendingBurst()).toEqual([]);
    expect((await w.deps.nodes.list()).filter((n) => n.pool === "cloud")).toHaveLength(2);
  });
});

describe("cloud-events Lambda", () => {
  const event = (detailType: string, instanceId: string) => ({
    version: "0", id: `evt-${instanceId}`, "detail-type": detailType, source: "aws.ec2", account: "111111111111", time: new Date().toISOString(),
    region: "us-west-2", resources: [`arn:aws:ec2:us-west-2:111111111111:instance/${instanceId}`], detail: { "instance-id": instanceId, "instance-action": "terminate" },
  });

  it("drains a node on a spot interruption warning and flags it on a rebalance recommendation", async () => {
    const [first, second] = (await w.deps.nodes.list()).filter((n) => n.pool === "cloud").map((n) => n.id);
    const events = createCloudEvents(w);
    expect(await events(event("EC2 Instance Rebalance Recommendation", second!), ctx)).toEqual({ nodeId: second, known: true, requeued: 0 });
    expect((await w.deps.nodes.get(second!))?.cloud?.rebalanceAt).toBeTypeOf("number");
    expect(await events(event("EC2 Spot Instance Interruption Warning", first!), ctx)).toEqual({ nodeId: first, known: true, requeued: 0 });
    expect(await w.deps.nodes.get(first!)).toMatchObject({ status: "draining", desiredStatus: "stop" });
  });

  it("ignores instances it did not launch, and rejects events that are not EC2 notices", async () => {
    const events = createCloudEvents(w);
    expect(await events(event("EC2 Spot Instance Interruption Warning", "i-0123456789abcdef0"), ctx)).toEqual({ nodeId: "i-0123456789abcdef0", known: false, requeued: 0 });
    await expect(events(event("EC2 Instance State-change Notification", "i-1"), ctx)).rejects.toThrow();
  });
});
