/**
 * Drives an SQS consumer the way a Lambda event source mapping does: long-poll a batch (up to
 * `batchSize`, waiting up to `batchWindowMs` to fill it), invoke the handler with an SQSEvent,
 * delete the records it did not report in `batchItemFailures`, leave the failed ones (or the
 * whole batch, if the handler threw) to reappear after the visibility timeout. The queue's own
 * redrive policy moves a message that keeps failing to its DLQ, as in AWS.
 */
import {
  DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { localContext } from "./lambda-context.ts";

export interface EventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** The function's name (for its Lambda context and error reports). */
  name: string;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | unknown>;
  batchSize: number;
  batchWindowMs?: number;
  /** Called when an invocation throws (the batch stays on the queue). */
  onError?: (name: string, err: unknown) => void;
}

export interface EventSource {
  /** Invocations so far (batches handed to the handler). */
  readonly invocations: number;
  stop(): Promise<void>;
}

const region = "us-east-1";

function toRecord(m: Message, queueUrl: string): SQSRecord {
  const attrs = m.Attributes ?? {};
  const queueName = queueUrl.split("/").pop() ?? "queue";
  return {
    messageId: m.MessageId ?? "",
    receiptHandle: m.ReceiptHandle ?? "",
    body: m.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? "1",
      SentTimestamp: attrs.SentTimestamp ?? String(Date.now()),
      SenderId: attrs.SenderId ?? "local",
      ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attrs.MessageGroupId ? { MessageGroupId: attrs.MessageGroupId } : {}),
      ...(attrs.MessageDeduplicationId ? { MessageDeduplicationId: attrs.MessageDeduplicationId } : {}),
      ...(attrs.SequenceNumber ? { SequenceNumber: attrs.SequenceNumber } : {}),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:${region}:000000000000:${queueName}`,
    awsRegion: region,
  };
}

export function startEventSource(o: EventSourceOptions): EventSource {
  let running = true;
  let invocations = 0;
  const receive = async (max: number, waitSec: number): Promise<Message[]> => {
    const r = await o.sqs.send(new ReceiveMessageCommand({
      QueueUrl: o.queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: waitSec, MessageSystemAttributeNames: ["All"],
    }));
    return r.Messages ?? [];
  };
  const loop = (async () => {
    while (running) {
      try {
        // A short long-poll, so stop() returns quickly.
        const batch = await receive(Math.min(10, o.batchSize), 1);
        if (batch.length === 0) continue;
        const windowEnds = Date.now() + (o.batchWindowMs ?? 0);
        while (running && batch.length < o.batchSize && Date.now() < windowEnds) {
          const more = await receive(Math.min(10, o.batchSize - batch.length), 0);
          if (more.length === 0) await new Promise((r) => setTimeout(r, 50));
          batch.push(...more);
        }
        const records = batch.map((m) => toRecord(m, o.queueUrl));
        invocations++;
        let failed: Set<string>;
        try {
          const reply = await o.handler({ Records: records }, localContext(o.name));
          const failures = (reply as SQSBatchResponse | undefined)?.batchItemFailures ?? [];
          failed = new Set(failures.map((f) => f.itemIdentifier));
        } catch (err) {
          o.onError?.(o.name, err);
          continue;
        }
        const done = records.filter((r) => !failed.has(r.messageId));
        for (let i = 0; i < done.length; i += 10) {
          await o.sqs.send(new DeleteMessageBatchCommand({
            QueueUrl: o.queueUrl,
            Entries: done.slice(i, i + 10).map((r, n) => ({ Id: String(n), ReceiptHandle: r.receiptHandle })),
          }));
        }
      } catch (err) {
        // The queue itself is unreachable (shutting down): back off, keep going while running.
        if (running) { o.onError?.(o.name, err); await new Promise((r) => setTimeout(r, 500)); }
      }
    }
  })();
  return {
    get invocations() { return invocations; },
    async stop() { running = false; await loop; },
  };
}
