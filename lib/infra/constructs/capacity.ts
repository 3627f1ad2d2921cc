/**
 * Cloud capacity in AWS: the capacity Lambda (SQS-triggered by the planner, one run at a time)
 * with the narrowest EC2 rights that still launch fleets, and the EC2 notices path
 * (EventBridge rules for spot interruption warnings and rebalance recommendations → the
 * cloud-events Lambda, with retries and a DLQ).
 *
 * The capacity Lambda's EC2 rights:
 * - CreateFleet / RunInstances only from this stack's launch template (`ec2:LaunchTemplate`),
 *   and instances only when the request tags them with this farm (`aws:RequestTag`; volumes
 *   take the farm tag from the template, as an instant fleet cannot tag volumes in the request);
 * - CreateTags only as part of those launches (`ec2:CreateAction`);
 * - TerminateInstances only on instances tagged with this farm (`aws:ResourceTag`);
 * - iam:PassRole for the cloud agent role only, and only to EC2.
 */
import { Arn, Duration, Stack, Validations } from "aws-cdk-lib";
import { Rule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import type { LaunchTemplate } from "aws-cdk-lib/aws-ec2";
import { PolicyStatement, type IRole } from "aws-cdk-lib/aws-iam";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { maxReceiveCount, queueNames } from "../../adapters/aws/queue-names.ts";
import { acknowledgeWildcards, nagEnv } from "../nag-suppressions.ts";
import { HandlerFunction } from "./handler-function.ts";
import { QueueWithDlq } from "./queue-with-dlq.ts";

export const noticeDetailTypes = {
  interruption: "EC2 Spot Instance Interruption Warning",
  rebalance: "EC2 Instance Rebalance Recommendation",
} as const;

export interface CapacityProps {
  readonly launchTemplate: LaunchTemplate;
  readonly subnetIds: string[];
  readonly agentRole: IRole;
  /** Tag value `burstfarm:farm` of every instance this stack launches. */
  readonly farm: string;
  readonly maxSpendPerHour: number;
  readonly maxInstances: number;
  readonly allowedInstanceTypes: string[];
  readonly spotAllocation: string;
  /** Environment every handler shares (table, plan trigger). */
  readonly environment: Record<string, string>;
}

export class Capacity extends Construct {
  readonly queue: QueueWithDlq;
  readonly fn: HandlerFunction;
  readonly eventsFn: HandlerFunction;
  readonly eventsDlq: Queue;
  readonly eventsDlqAlarm: Alarm;
  readonly rules: Record<keyof typeof noticeDetailTypes, Rule>;

  constructor(scope: Construct, id: string, props: CapacityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Visibility ≥ 6 × the function timeout; a throttled run's trigger comes back after it (the backoff).
    this.queue = new QueueWithDlq(this, "Triggers", { queueName: queueNames.capacity, maxReceiveCount, visibilityTimeout: Duration.minutes(12) });
    this.fn = new HandlerFunction(this, "CapacityFn", {
      entry: "capacity", description: "burstfarm capacity: burst requests → CreateFleet, releases → TerminateInstances",
      timeout: Duration.minutes(2),
      // One run at a time: the guards compare against what is live, so two runs must not both pass a ceiling.
      reservedConcurrentExecutions: 1,
      environment: {
        ...props.environment,
        LAUNCH_TEMPLATE_ID: props.launchTemplate.launchTemplateId!,
        LAUNCH_TEMPLATE_VERSION: props.launchTemplate.latestVersionNumber,
        SUBNET_IDS: props.subnetIds.join(","),
        SPOT_ALLOCATION: props.spotAllocation,
        BURSTFARM_FARM_NAME: props.farm,
        BURSTFARM_MAX_SPEND_PER_HOUR: String(props.maxSpendPerHour),
        BURSTFARM_MAX_INSTANCES: String(props.maxInstances),
        BURSTFARM_ALLOWED_TYPES: props.allowedInstanceTypes.join(","),
      },
    });
    this.fn.fn.addEventSource(new SqsEventSource(this.queue.queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(5), reportBatchItemFailures: true }));

    const ec2Arn = (resource: string) => Arn.format({ service: "ec2", resource }, stack);
    const templateArn = ec2Arn(`launch-template/${props.launchTemplate.launchTemplateId}`);
    const fromTemplate = { ArnLike: { "ec2:LaunchTemplate": templateArn } };
    const role = this.fn.fn.role!;
    role.addToPrincipalPolicy(new PolicyStatement({
      sid: "LaunchTaggedInstancesFromTheTemplate",
      actions: ["ec2:CreateFleet", "ec2:RunInstances"],
      resources: [ec2Arn("instance/*")],
      conditions: { ...fromTemplate, StringEquals: { "aws:RequestTag/burstfarm:farm": props.farm } },
    }));
    role.addToPrincipalPolicy(new PolicyStatement({
      sid: "LaunchOnlyFromTheTemplate",
      actions: ["ec2:CreateFleet", "ec2:RunInstances"],
      resources: [templateArn, ec2Arn("fleet/*"), ec2Arn("volume/*"), ec2Arn("subnet/*"), ec2Arn("security-group/*"), ec2Arn("network-interface/*"), ec2Arn("spot-instances-request/*"), Arn.format({ service: "ec2", account: "", resource: "image/*" }, stack)],
      conditions: fromTemplate,
    }));
    role.addToPrincipalPolicy(new PolicyStatement({
      sid: "TagOnlyWhileLaunching",
      actions: ["ec2:CreateTags"],
      resources: [ec2Arn("instance/*"), ec2Arn("volume/*"), ec2Arn("fleet/*")],
      conditions: { StringEquals: { "ec2:CreateAction": ["CreateFleet", "RunInstances"] } },
    }));
    role.addToPrincipalPolicy(new PolicyStatement({
      sid: "TerminateOnlyThisFarmsInstances",
      actions: ["ec2:TerminateInstances"],
      resources: [ec2Arn("instance/*")],
      conditions: { StringEquals: { "aws:ResourceTag/burstfarm:farm": props.farm } },
    }));
    role.addToPrincipalPolicy(new PolicyStatement({
      sid: "DescribeHasNoResourceScope",
      actions: ["ec2:DescribeInstances", "ec2:DescribeLaunchTemplateVersions"],
      resources: ["*"],
    }));
    role.addToPrincipalPolicy(new PolicyStatement({
      sid: "PassOnlyTheCloudAgentRoleToEc2",
      actions: ["iam:PassRole"],
      resources: [props.agentRole.roleArn],
      conditions: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    }));
    role.addToPrincipalPolicy(new PolicyStatement({
      sid: "FleetAndSpotServiceLinkedRoles",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [Arn.format({ service: "iam", region: "", resource: "role/aws-service-role/*" }, stack)],
      conditions: { StringEquals: { "iam:AWSServiceName": ["spot.amazonaws.com", "ec2fleet.amazonaws.com"] } },
    }));

    const { region, account } = nagEnv(stack);
    const nagArn = (r: string, acct = account) => `arn:<AWS::Partition>:ec2:${region}:${acct}:${r}`;
    acknowledgeWildcards(role, [nagArn("instance/*"), nagArn("volume/*"), nagArn("fleet/*")],
      "Instance, volume and fleet ids do not exist before the launch; launches are bound to this stack's launch template and farm tag by conditions, termination to the farm tag.");
    acknowledgeWildcards(role, ["subnet/*", "security-group/*", "network-interface/*", "spot-instances-request/*"].map((r) => nagArn(r)).concat(nagArn("image/*", "")),
      "RunInstances also authorizes the subnet, security group, ENI, spot request and AMI it uses; the launch-template condition limits them to what the stack's template names.");
    acknowledgeWildcards(role, ["*"], "ec2:DescribeInstances and DescribeLaunchTemplateVersions support no resource-level permissions.");
    acknowledgeWildcards(role, [`arn:<AWS::Partition>:iam::${account}:role/aws-service-role/*`],
      "EC2 Fleet and Spot need their service-linked roles once per account; the iam:AWSServiceName condition allows only those two.");

    this.eventsFn = new HandlerFunction(this, "CloudEventsFn", {
      entry: "cloud-events", description: "burstfarm EC2 notices: spot interruption → drain + requeue; rebalance → no long tasks",
      environment: props.environment,
    });
    // EventBridge → Lambda is asynchronous: retried, then kept here for someone to look at.
    this.eventsDlq = new Queue(this, "CloudEventsDlq", {
      queueName: "burstfarm-cloud-events-dlq", retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true,
    });
    Validations.of(this.eventsDlq).acknowledge({ id: "AwsSolutions-SQS3", reason: "This queue IS a dead-letter queue: the EventBridge target's DLQ for EC2 notices." });
    this.eventsDlqAlarm = new Alarm(this, "CloudEventsDlqAlarm", {
      alarmDescription: "EC2 notices the cloud-events Lambda could not handle (a node may keep work it cannot finish)",
      metric: this.eventsDlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: "Maximum" }),
      threshold: 0, comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD, evaluationPeriods: 1, treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const target = new LambdaFunction(this.eventsFn.fn, { deadLetterQueue: this.eventsDlq, retryAttempts: 4, maxEventAge: Duration.minutes(2) });
    const rule = (key: keyof typeof noticeDetailTypes, ruleId: string) => new Rule(this, ruleId, {
      description: `burstfarm: ${noticeDetailTypes[key]} → cloud-events Lambda`,
      eventPattern: { source: ["aws.ec2"], detailType: [noticeDetailTypes[key]] },
      targets: [target],
    });
    this.rules = { interruption: rule("interruption", "SpotInterruptionRule"), rebalance: rule("rebalance", "RebalanceRule") };
  }
}
