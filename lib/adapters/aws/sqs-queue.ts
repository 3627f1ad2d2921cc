/**
 * JSON messages over SQS: the submissions buffer, agent events and the plan trigger.
 * Consumers must be idempotent (SQS delivers at least once); the use cases they call are.
 */
import {
  DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient,
} from "@aws-sdk/client-sqs";
import type { PlanTrigger } from "../../service/ports.ts";
import { mapSdkError } from "./dynamo-errors.ts";

export interface Received<T> {
  messageId: string;
  receiptHandle: string;
  receiveCount: number;
  body: T;
}

export class SqsJsonQueue<T> {
  readonly fifo: boolean;
  constructor(private readonly sqs: SQSClient, readonly queueUrl: string) {
    this.fifo = queueUrl.endsWith(".fifo");
  }

  /** FIFO queues need a group (ordering scope) and a deduplication id (a retried send with the same id is dropped). */
  async send(body: T, opts: { groupId?: string; deduplicationId?: string; delaySec?: number } = {}): Promise<string> {
    try {
      const r = await this.sqs.send(new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(body),
        ...(this.fifo ? { MessageGroupId: opts.groupId ?? "default", MessageDeduplicationId: opts.deduplicationId ?? cryptoId() } : {}),
        ...(opts.delaySec && !this.fifo ? { DelaySeconds: opts.delaySec } : {}),
      }));
      return r.MessageId ?? "";
    } catch (err) { throw mapSdkError(err, "queue send"); }
  }

  async receive(opts: { max?: number; waitSec?: number; visibilitySec?: number } = {}): Promise<Received<T>[]> {
    try {
      const r = await this.sqs.send(new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: opts.max ?? 10,
        WaitTimeSeconds: opts.waitSec ?? 0,
        ...(opts.visibilitySec !== undefined ? { VisibilityTimeout: opts.visibilitySec } : {}),
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }));
      return (r.Messages ?? []).map((m) => ({
        messageId: m.MessageId ?? "",
        receiptHandle: m.ReceiptHandle ?? "",
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
        body: JSON.parse(m.Body ?? "null") as T,
      }));
    } catch (err) { throw mapSdkError(err, "queue receive"); }
  }

  async delete(receiptHandle: string): Promise<void> {
    try {
      await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle }));
    } catch (err) { throw mapSdkError(err, "queue delete"); }
  }
}

function cryptoId(): string {
  return globalThis.crypto.randomUUID();
}

export interface PlanTriggerMessage {
  reason: string;
  at: number;
}

/**
 * "Plan now" on a FIFO queue with one message group: at most one planner batch is in flight,
 * and the consumer runs ONE cycle per received batch — that is the coalescing. Sends are not
 * deduplicated by time bucket on purpose: a change made just after a cycle read its snapshot
 * must still cause another cycle.
 */
export class SqsPlanTrigger implements PlanTrigger {
  private readonly queue: SqsJsonQueue<PlanTriggerMessage>;
  constructor(sqs: SQSClient, queueUrl: string) {
    this.queue = new SqsJsonQueue(sqs, queueUrl);
  }

  async requestPlan(reason: string, now: number): Promise<void> {
    await this.queue.send({ reason, at: now }, { groupId: "plan" });
  }
}
