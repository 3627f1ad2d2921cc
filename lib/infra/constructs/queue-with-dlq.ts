/**
 * An SQS queue with its dead-letter queue and an alarm when anything lands in the DLQ
 * (a message there is work the system gave up on: someone must look).
 */
import { Duration } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface QueueWithDlqProps {
  /** Physical name of the main queue; the DLQ is `<name>-dlq` (`<name>-dlq.fifo` for FIFO). */
  readonly queueName: string;
  /** Deliveries before a message moves to the DLQ. */
  readonly maxReceiveCount: number;
  /** Must be at least the consumer's timeout (AWS recommends 6×). Default 3 minutes. */
  readonly visibilityTimeout?: Duration;
}

export class QueueWithDlq extends Construct {
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly dlqAlarm: Alarm;

  constructor(scope: Construct, id: string, props: QueueWithDlqProps) {
    super(scope, id);
    // A FIFO queue needs a FIFO DLQ: `x.fifo` → `x-dlq.fifo`.
    const fifo = props.queueName.endsWith(".fifo");
    const dlqName = fifo ? props.queueName.replace(/\.fifo$/, "-dlq.fifo") : `${props.queueName}-dlq`;
    this.dlq = new Queue(this, "Dlq", {
      queueName: dlqName,
      ...(fifo ? { fifo: true } : {}),
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new Queue(this, "Queue", {
      queueName: props.queueName,
      ...(fifo ? { fifo: true } : {}),
      visibilityTimeout: props.visibilityTimeout ?? Duration.minutes(3),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.dlq, maxReceiveCount: props.maxReceiveCount },
    });
    this.dlqAlarm = new Alarm(this, "DlqDepthAlarm", {
      alarmDescription: `Messages in ${dlqName}: a consumer gave up on them`,
      metric: this.dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: "Maximum" }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
