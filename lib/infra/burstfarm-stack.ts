/**
 * One studio account's burstfarm: state table, queues (each with a DLQ and a DLQ alarm), the
 * API / planner / agent-events Lambdas, the HTTP API, the planner's one-minute schedule, and
 * cloud bursting — the cloud agent role, the render nodes' launch template and network, the
 * capacity and EC2-notice Lambdas, the previews/outputs bucket — with alarms and a dashboard.
 * Least privilege: each function gets only the table, queue and EC2 rights it uses.
 */
import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import type { CfnTable } from "aws-cdk-lib/aws-dynamodb";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import type { Role } from "aws-cdk-lib/aws-iam";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { Construct } from "constructs";
import { maxReceiveCount, queueNames } from "../adapters/aws/queue-names.ts";
import { allContracts } from "../http/contract/index.ts";
import { HandlerFunction, highsWasm } from "./constructs/handler-function.ts";
import { MonitorSite } from "./constructs/monitor-site.ts";
import { BurstfarmHttpApi } from "./constructs/http-api.ts";
import { QueueWithDlq } from "./constructs/queue-with-dlq.ts";
import { StateTable } from "./constructs/state-table.ts";
import { suppressJustified } from "./nag-suppressions.ts";
import { defaultConfig, type BurstfarmConfig } from "./config.ts";
import { Capacity } from "./constructs/capacity.ts";
import { Monitoring } from "./constructs/monitoring.ts";
import { bucketPrefixes, OutputBucket } from "./constructs/output-bucket.ts";
import { agentTokenKeys } from "./constructs/agent-token-keys.ts";
import { cloudAgentRole, RenderFleet } from "./constructs/render-fleet.ts";

export interface BurstfarmStackProps extends StackProps {
  /** OIDC issuer for users (wranglers, artists, pipeline scripts). */
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
  /** Cloud bursting, network, ceilings and alarms (lib/infra/config.ts); defaults synth offline. */
  readonly config?: BurstfarmConfig;
}

export class BurstfarmStack extends Stack {
  readonly table: StateTable;
  readonly queues: Record<"submissions" | "agentEvents" | "planTrigger", QueueWithDlq>;
  readonly functions: Record<"api" | "planner" | "agentEvents" | "submissions", HandlerFunction>;
  readonly httpApi: BurstfarmHttpApi;
  /** The cloud agent role (EC2 instance profiles only); on-prem agents have no IAM identity. */
  readonly agentRole: Role;
  readonly outputs: OutputBucket;
  readonly fleet: RenderFleet;
  readonly capacity: Capacity;
  readonly monitoring: Monitoring;

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

    const config = props.config ?? defaultConfig;
    this.agentRole = cloudAgentRole(this, "CloudAgentRole");
    this.outputs = new OutputBucket(this, "Outputs");

    const env = {
      TABLE_NAME: this.table.table.tableName,
      PLAN_TRIGGER_QUEUE_URL: this.queues.planTrigger.queue.queueUrl,
    };
    // The farm's cloud ceiling (context burstfarm:maxSpendPerHour / maxInstances): the planner plans
    // bursts within it, GET /farm shows it, the capacity guards enforce it (lambdas/wire.ts cloudLimitsFromEnv).
    const cloudLimitsEnv = { BURSTFARM_MAX_SPEND_PER_HOUR: String(config.maxSpendPerHour), BURSTFARM_MAX_INSTANCES: String(config.maxInstances) };
    const api = new HandlerFunction(this, "ApiFn", {
      entry: "api", description: "burstfarm HTTP API (all routes)",
      environment: {
        ...env, ...cloudLimitsEnv, OUTPUT_BUCKET: this.outputs.bucket.bucketName,
        // Only sessions of this role (EC2 instance profiles; session name = instance id) are cloud agents.
        BURSTFARM_CLOUD_AGENT_ROLE_NAME: this.agentRole.roleName,
        BURSTFARM_AGENT_TOKEN_KEYS: agentTokenKeys(this),
      },
    });
    const planner = new HandlerFunction(this, "PlannerFn", {
      entry: "planner", description: "burstfarm planning cycle (schedule + plan trigger)",
      // A larger young generation keeps a cycle's garbage out of major GCs (npm run bench: p99 at
      // 100,000 tasks 161 → 84 ms with it).
      environment: { ...env, ...cloudLimitsEnv, NODE_OPTIONS: "--enable-source-maps --max-semi-space-size=64", TARIFF_SOURCE: config.tariffSource },
      timeout: Duration.seconds(60), memorySize: 1769,
      // The LP plan of record: HiGHS loads its WebAssembly from beside the bundle (without it every cycle is greedy).
      besideBundle: [highsWasm],
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

    // Cloud bursting: nodes launched from the template run the agent against this API.
    this.fleet = new RenderFleet(this, "RenderFleet", {
      role: this.agentRole, ...(config.vpcId ? { vpcId: config.vpcId } : {}), subnetIds: config.subnetIds,
      apiUrl: this.httpApi.api.apiEndpoint, outputBucketName: this.outputs.bucket.bucketName, rootVolumeGiB: config.rootVolumeGiB,
      agentPackage: config.agentPackage ?? `s3://${this.outputs.bucket.bucketName}/${bucketPrefixes.agent}burstfarm-agent.tgz`,
    });
    this.outputs.grantAgentUploads(this.agentRole);
    this.outputs.grantApiRead(api.fn);
    if (!config.agentPackage || config.agentPackage.startsWith(`s3://${this.outputs.bucket.bucketName}/`)) this.outputs.grantAgentPackageRead(this.agentRole);
    this.capacity = new Capacity(this, "Capacity", {
      launchTemplate: this.fleet.launchTemplate, subnetIds: this.fleet.subnetIds, agentRole: this.agentRole, farm: this.stackName,
      maxSpendPerHour: config.maxSpendPerHour, maxInstances: config.maxInstances, allowedInstanceTypes: config.allowedInstanceTypes,
      spotAllocation: config.spotAllocation, environment: env,
    });
    for (const f of [this.capacity.fn.fn, this.capacity.eventsFn.fn]) {
      this.table.table.grantReadWriteData(f);
      this.queues.planTrigger.queue.grantSendMessages(f);
    }
    // After each cycle the planner nudges the capacity Lambda (lib/service/README.md: why a separate Lambda).
    planner.fn.addEnvironment("CAPACITY_QUEUE_URL", this.capacity.queue.queue.queueUrl);
    this.capacity.queue.queue.grantSendMessages(planner.fn);

    const queues = [...Object.values(this.queues), this.capacity.queue];
    this.monitoring = new Monitoring(this, "Monitoring", {
      planner: planner.fn, maxSpendPerHour: config.maxSpendPerHour, ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      dlqAlarms: [...queues.map((q) => q.dlqAlarm), this.capacity.eventsDlqAlarm],
      dlqs: [...queues.map((q) => q.dlq), this.capacity.eventsDlq],
    });

    // What a studio engineer needs after `cdk deploy`: where to point CLIs and agents.
    new CfnOutput(this, "ApiUrl", { value: this.httpApi.api.apiEndpoint, description: "HTTP API base URL" });
    new CfnOutput(this, "CloudAgentRoleArn", { value: this.agentRole.roleArn, description: "Cloud render nodes' role (instance profile of the launch template)" });
    new CfnOutput(this, "OutputBucketName", { value: this.outputs.bucket.bucketName, description: "Previews, outputs and the agent package (agent/burstfarm-agent.tgz)" });
    new CfnOutput(this, "LaunchTemplateId", { value: this.fleet.launchTemplate.launchTemplateId!, description: "Render nodes' launch template" });
    new CfnOutput(this, "SubmissionsQueueUrl", { value: this.queues.submissions.queue.queueUrl, description: "Queue pipeline tools may submit jobs to" });
    new CfnOutput(this, "TableName", { value: this.table.table.tableName });
    const monitor = new MonitorSite(this, "Monitor", {
      apiEndpoint: this.httpApi.api.apiEndpoint, routes: allContracts, oidc: { issuer: props.jwtIssuer, clientId: props.jwtAudience[0]! },
    });
    new CfnOutput(this, "MonitorUrl", { value: `https://${monitor.distribution.distributionDomainName}`, description: "The web monitor (sign in with the studio's OIDC login)" });
    suppressJustified(this, this.getLogicalId(this.table.table.node.defaultChild as CfnTable));
  }
}
