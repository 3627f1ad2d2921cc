/**
 * The stack, synthesized once (bundling the handlers with the local esbuild takes seconds),
 * asserted on what matters: DLQs and their alarms, partial batch failures, the schedule,
 * runtime, table settings, auth per route, least-privilege IAM, and cdk-nag AwsSolutions.
 */
import { App, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { allContracts } from "../../lib/http/contract/index.ts";
import { BurstfarmStack } from "../../lib/infra/burstfarm-stack.ts";

let stack: BurstfarmStack;
let template: Template;
let synthError: unknown;

beforeAll(() => {
  const app = new App();
  stack = new BurstfarmStack(app, "Test", {
    jwtIssuer: "https://idp.example.test/realm", jwtAudience: ["burstfarm"], env: { account: "111111111111", region: "eu-west-1" },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try { app.synth(); } catch (err) { synthError = err; }
  template = Template.fromStack(stack);
}, 120_000);

const resourcesOf = (type: string) => Object.values(template.findResources(type)) as { Properties: Record<string, any> }[];

describe("BurstfarmStack", () => {
  it("passes cdk-nag AwsSolutions with only the justified acknowledgements", () => {
    expect(synthError).toBeUndefined();
  });

  it("runs every handler on nodejs22.x", () => {
    const fns = resourcesOf("AWS::Lambda::Function");
    expect(fns.map((f) => f.Properties.Runtime)).toEqual(["nodejs22.x", "nodejs22.x", "nodejs22.x", "nodejs22.x"]);
    for (const f of fns) expect(f.Properties.Architectures).toEqual(["arm64"]);
  });

  it("gives every queue a DLQ after 5 receives, and alarms on each DLQ's depth", () => {
    const redriven = resourcesOf("AWS::SQS::Queue").filter((q) => q.Properties.RedrivePolicy);
    expect(redriven).toHaveLength(3);
    for (const q of redriven) expect(q.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: 5, deadLetterTargetArn: expect.anything() });
    template.hasResourceProperties("AWS::SQS::Queue", { QueueName: "burstfarm-plan-trigger-dlq.fifo", FifoQueue: true });
    // The trigger must become visible again soon after the planner's 60 s timeout (replans within ~1.5 min worst case).
    template.hasResourceProperties("AWS::SQS::Queue", { QueueName: "burstfarm-plan-trigger.fifo", FifoQueue: true, VisibilityTimeout: 90 });
    template.hasResourceProperties("AWS::Lambda::Function", { Description: Match.stringLikeRegexp("planning cycle"), Timeout: 60 });
    const alarms = resourcesOf("AWS::CloudWatch::Alarm");
    expect(alarms).toHaveLength(3);
    for (const a of alarms) expect(a.Properties).toMatchObject({ MetricName: "ApproximateNumberOfMessagesVisible", Threshold: 0, ComparisonOperator: "GreaterThanThreshold" });
  });

  it("reports partial batch failures on every SQS consumer", () => {
    const mappings = resourcesOf("AWS::Lambda::EventSourceMapping");
    expect(mappings).toHaveLength(3);
    for (const m of mappings) expect(m.Properties.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
  });

  it("plans every minute on a schedule", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(1 minute)",
      Targets: [Match.objectLike({ Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("^PlannerFn"), "Arn"] } })],
    });
  });

  it("keeps state in one on-demand table with PITR and a TTL attribute", () => {
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true },
    });
  });

  it("creates one route per contract: IAM auth for agent routes, JWT for the rest", () => {
    const routes = resourcesOf("AWS::ApiGatewayV2::Route");
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(allContracts.map((c) => `${c.method} ${c.path}`).sort());
    for (const r of routes) {
      const contract = allContracts.find((c) => `${c.method} ${c.path}` === r.Properties.RouteKey);
      const agent = contract?.accepts.length === 1 && contract.accepts[0] === "agent";
      expect(r.Properties.AuthorizationType).toBe(agent ? "AWS_IAM" : "JWT");
    }
    template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT", JwtConfiguration: { Issuer: "https://idp.example.test/realm", Audience: ["burstfarm"] },
    });
  });

  it("outputs what agents and pipeline tools need", () => {
    expect(Object.keys(template.findOutputs("*")).sort()).toEqual(["AgentRoleArn", "ApiUrl", "SubmissionsQueueUrl", "TableName"]);
  });

  it("lets the agent role invoke only POST /agents/* and nothing else", () => {
    const policies = resourcesOf("AWS::IAM::Policy").filter((p) => JSON.stringify(p.Properties.Roles).includes("AgentRole"));
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement as { Action: string; Resource: unknown }[];
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toBe("execute-api:Invoke");
    expect(JSON.stringify(statements[0]!.Resource)).toContain("/*/POST/agents/*");
  });

  it("grants the planner no right to send to queues, and the API no right to consume them", () => {
    const policyOf = (fnPrefix: string) => {
      const found = resourcesOf("AWS::IAM::Policy").filter((p) => JSON.stringify(p.Properties.Roles).includes(fnPrefix));
      return JSON.stringify(found.map((p) => p.Properties.PolicyDocument));
    };
    expect(policyOf("PlannerFn")).not.toContain("sqs:SendMessage");
    expect(policyOf("PlannerFn")).toContain("sqs:ReceiveMessage");
    expect(policyOf("ApiFn")).toContain("sqs:SendMessage");
    expect(policyOf("ApiFn")).not.toContain("sqs:ReceiveMessage");
    expect(policyOf("SubmissionsFn")).toContain("sqs:ReceiveMessage");
    expect(policyOf("ApiFn")).not.toContain("dynamodb:*");
  });
});
