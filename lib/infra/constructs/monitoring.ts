/**
 * Alarms a wrangler acts on, all to one SNS topic (email when configured), and one dashboard:
 * - DLQ depth (every queue's, and the EC2 notices' DLQ): work the system gave up on;
 * - deadline at risk: the plan says a job cannot make its deadline (`jobsAtRisk`, planner);
 * - planner duration: a cycle near its timeout stops planning (Lambda duration, p99);
 * - cloud spend vs ceiling: live cloud nodes cost ≥ 80 % of the farm's ceiling per hour;
 * - launch failures: requests refused, failed or partly fulfilled (capacity errors, guards).
 * Custom metrics come from Powertools in the handlers (namespace `burstfarm`, `service` dimension).
 */
import { Duration } from "aws-cdk-lib";
import {
  Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, TreatMissingData, type IMetric,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Alias } from "aws-cdk-lib/aws-kms";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface MonitoringProps {
  readonly planner: IFunction;
  readonly dlqAlarms: Alarm[];
  readonly dlqs: IQueue[];
  readonly maxSpendPerHour: number;
  readonly alarmEmail?: string;
}

const metric = (service: string, name: string, statistic: string, period = Duration.minutes(5)): Metric =>
  new Metric({ namespace: "burstfarm", metricName: name, dimensionsMap: { service: `burstfarm-${service}` }, statistic, period });

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Record<"deadlineAtRisk" | "plannerDuration" | "cloudSpend" | "launchFailures", Alarm>;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, "Alarms", {
      displayName: "burstfarm alarms", enforceSSL: true,
      masterKey: Alias.fromAliasName(this, "SnsKey", "alias/aws/sns"),
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const atRisk = metric("planner", "jobsAtRisk", "Maximum");
    const spend = metric("capacity", "cloudSpendPerHour", "Maximum", Duration.minutes(1));
    const failures = metric("capacity", "cloudLaunchFailures", "Sum", Duration.minutes(15));
    const duration = props.planner.metricDuration({ statistic: "p99", period: Duration.minutes(5) });
    const alarm = (aid: string, description: string, m: IMetric, threshold: number, periods: number, op = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD) =>
      new Alarm(this, aid, { alarmDescription: description, metric: m, threshold, evaluationPeriods: periods, comparisonOperator: op, treatMissingData: TreatMissingData.NOT_BREACHING });
    this.alarms = {
      deadlineAtRisk: alarm("DeadlineAtRisk", "A job cannot make its deadline even with the capacity it may use (see its why)", atRisk, 1, 2),
      plannerDuration: alarm("PlannerDuration", "Planning cycles run close to the planner's 60 s timeout", duration, 45_000, 3),
      cloudSpend: alarm("CloudSpend", `Live cloud nodes cost at least 80% of the farm's ceiling (${props.maxSpendPerHour}/h)`, spend, 0.8 * props.maxSpendPerHour, 3),
      launchFailures: alarm("LaunchFailures", "Cloud launches refused, failed or partly fulfilled (capacity errors, guards)", failures, 3, 1),
    };
    const action = new SnsAction(this.topic);
    for (const a of [...Object.values(this.alarms), ...props.dlqAlarms]) a.addAlarmAction(action);

    this.dashboard = new Dashboard(this, "Dashboard", { defaultInterval: Duration.hours(6) });
    const w = (title: string, left: IMetric[], right: IMetric[] = []) => new GraphWidget({ title, left, right, width: 12 });
    this.dashboard.addWidgets(
      w("Deadlines at risk", [atRisk]),
      w("Planner: Lambda p99 and plan() ms", [duration], [metric("planner", "planMs", "p99")]),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: "Cloud spend per hour vs ceiling", left: [spend], leftAnnotations: [{ value: props.maxSpendPerHour, label: "ceiling" }], width: 12 }),
      w("Cloud instances, launches and failures", [metric("capacity", "cloudInstances", "Maximum", Duration.minutes(1))], [metric("capacity", "cloudLaunched", "Sum"), metric("capacity", "cloudLaunchFailures", "Sum")]),
    );
    this.dashboard.addWidgets(
      w("Spot interruptions and requeued tasks", [metric("cloud-events", "spotInterruptions", "Sum"), metric("cloud-events", "rebalanceRecommendations", "Sum")], [metric("cloud-events", "tasksRequeuedByInterruption", "Sum")]),
      w("DLQ depth", props.dlqs.map((q) => q.metricApproximateNumberOfMessagesVisible({ statistic: "Maximum", period: Duration.minutes(1) }))),
    );
  }
}
