/**
 * One studio account's burstfarm: state table, queues (each with a DLQ and a DLQ alarm), the
 * API / planner / agent-events Lambdas, the HTTP API, the planner's one-minute schedule and
 * the agent role. Least privilege: each function gets only the table and queue rights it uses.
 */
import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import type { CfnTable } from "aws-cdk-lib/aws-dynamodb";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { AccountPrincipal, CompositePrincipal, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { Construct } from "constructs";
import { maxReceiveCount, queueNames } from "../adapters/aws/queue-names.ts";
import { allContracts } from "../http/contract/index.ts";
import { HandlerFunction } from "./constructs/handler-function.ts";
import { MonitorSite } from "./constructs/monitor-site.ts";
import { BurstfarmHttpApi } from "./constructs/http-api.ts";
import { QueueWithDlq } from "./constructs/queue-with-dlq.ts";
import { StateTable } from "./constructs/state-table.ts";
import { suppressJustified } from "./nag-suppressions.ts";

export interface BurstfarmStackProps extends StackProps {
  /** OIDC issuer for users (wranglers, artists, pipeline scripts). */
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
}

export class BurstfarmStack extends Stack {
  readonly table: StateTable;
  readonly queues: Record<"submissions" | "agentEvents" | "planTrigger", QueueWithDlq>;
  readonly functions: Record<"api" | "planner" | "agentEvents" | "submissions", HandlerFunction>;
  readonly httpApi: BurstfarmHttpApi;
  readonly agentRole: Role;

  constructor(scope: Construct, id: string, props: BurstfarmStackProps) {
    super(scope, id, props);
    this.table = new StateTable(this, "State");
    // Visibility ≥ 6 × the consumer timeout (AWS guidance), so a slow batch is not redelivered mid-flight.
    const visibilityTimeout = Duration.minutes(6);
    this.queues = {
      submissions: new QueueWithDlq(this, "Submissions", { queueName: queueNames.submissions, maxReceiveCount, visibilityTimeout }),
      agentEvents: new QueueWithDlq(this, "AgentEvents", { queueName: queueNames.agentEvents, maxReceiveCount, visibilityTimeout }),
      // Short on purpose: a trigger kept for retry (planner busy) blocks its FIFO group until it is
      // visible again, so this bounds how late a deadline edit can be planned (≥ planner timeout).
      planTrigger: new QueueWithDlq(this, "PlanTrigger", { queueName: queueNames.planTrigger, maxReceiveCount, visibilityTimeout: Duration.seconds(90) }),
    };

    this.agentRole = new Role(this, "AgentRole", {
      description: "Render node agents (on-prem via STS, cloud nodes via instance profile): agent API routes only",
      assumedBy: new CompositePrincipal(new AccountPrincipal(this.account), new ServicePrincipal("ec2.amazonaws.com")),
    });

    const env = {
      TABLE_NAME: this.table.table.tableName,
      PLAN_TRIGGER_QUEUE_URL: this.queues.planTrigger.queue.queueUrl,
    };
    const api = new HandlerFunction(this, "ApiFn", {
      entry: "api", description: "burstfarm HTTP API (all routes)",
      environment: { ...env, BURSTFARM_AGENT_ROLE_NAME: this.agentRole.roleName },
    });
    const planner = new HandlerFunction(this, "PlannerFn", {
      entry: "planner", description: "burstfarm planning cycle (schedule + plan trigger)",
      // A larger young generation keeps a cycle's garbage out of major GCs (npm run bench: p99 at
      // 100,000 tasks 161 → 84 ms with it).
      environment: { ...env, NODE_OPTIONS: "--enable-source-maps --max-semi-space-size=64" },
      timeout: Duration.seconds(60), memorySize: 1769,
    });
    const agentEvents = new HandlerFunction(this, "AgentEventsFn", {
      entry: "agent-events", description: "burstfarm agent events consumer", environment: env,
    });
    const submissions = new HandlerFunction(this, "SubmissionsFn", {
      entry: "submissions", description: "burstfarm submissions buffer consumer", environment: env,
    });
    this.functions = { api, planner, agentEvents, submissions };

    for (const f of [api.fn, planner.fn, agentEvents.fn, submissions.fn]) this.table.table.grantReadWriteData(f);
    // Whoever changes work asks for a plan; the planner itself only consumes the trigger.
    for (const f of [api.fn, agentEvents.fn, submissions.fn]) this.queues.planTrigger.queue.grantSendMessages(f);

    planner.fn.addEventSource(new SqsEventSource(this.queues.planTrigger.queue, { batchSize: 10, reportBatchItemFailures: true }));
    agentEvents.fn.addEventSource(new SqsEventSource(this.queues.agentEvents.queue, {
      batchSize: 25, maxBatchingWindow: Duration.seconds(1), reportBatchItemFailures: true,
    }));
    submissions.fn.addEventSource(new SqsEventSource(this.queues.submissions.queue, {
      batchSize: 10, maxBatchingWindow: Duration.seconds(1), reportBatchItemFailures: true,
    }));
    new Rule(this, "PlannerSchedule", {
      description: "Plan every minute (edits and submissions also trigger plans via SQS)",
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(planner.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });

    this.httpApi = new BurstfarmHttpApi(this, "Http", {
      handler: api.fn, routes: allContracts, jwtIssuer: props.jwtIssuer, jwtAudience: props.jwtAudience, agentRole: this.agentRole,
    });
    // What a studio engineer needs after `cdk deploy`: where to point CLIs and agents.
    new CfnOutput(this, "ApiUrl", { value: this.httpApi.api.apiEndpoint, description: "HTTP API base URL" });
    new CfnOutput(this, "AgentRoleArn", { value: this.agentRole.roleArn, description: "Role agents assume to call POST /agents/*" });
    new CfnOutput(this, "SubmissionsQueueUrl", { value: this.queues.submissions.queue.queueUrl, description: "Queue pipeline tools may submit jobs to" });
    new CfnOutput(this, "TableName", { value: this.table.table.tableName });
    const monitor = new MonitorSite(this, "Monitor", {
      apiEndpoint: this.httpApi.api.apiEndpoint, routes: allContracts, oidc: { issuer: props.jwtIssuer, clientId: props.jwtAudience[0]! },
    });
    new CfnOutput(this, "MonitorUrl", { value: `https://${monitor.distribution.distributionDomainName}`, description: "The web monitor (sign in with the studio's OIDC login)" });
    suppressJustified(this, this.getLogicalId(this.table.table.node.defaultChild as CfnTable));
  }
}
