/**
 * Local mode drives SQS consumers as Lambda event source mappings do: a batch in, the records the
 * handler reports in batchItemFailures stay on the queue (redelivered after the visibility
 * timeout), the rest are deleted, and a record that keeps failing lands in the DLQ after the
 * stack's maxReceiveCount — by the queue's own redrive policy, on real fauxqs.
 */
import { ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxReceiveCount } from "../../../lib/adapters/aws/queue-names.ts";
import { startEventSource } from "../../../lib/local/event-source.ts";
import { localCredentials, startLocalServers, type LocalServers } from "../../../lib/local/local-servers.ts";

let servers: LocalServers;
let sqs: SQSClient;
beforeAll(async () => {
  servers = await startLocalServers({ visibilityTimeoutSec: 1 });
  sqs = new SQSClient({ endpoint: servers.sqsEndpoint, region: "us-east-1", credentials: localCredentials, useQueueUrlAsEndpoint: false });
});
afterAll(async () => { sqs?.destroy(); await servers?.stop(); });

describe("local event source mapping", () => {
  it("deletes handled records, redelivers failed ones, and moves a poison record to the DLQ", async () => {
    const queueUrl = servers.queueUrls.submissions;
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { VisibilityTimeout: "1" } }));
    for (const body of ["ok-1", "poison", "ok-2"]) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const seen: string[] = [];
    const batches: number[] = [];
    const source = startEventSource({
      sqs, queueUrl, name: "test", batchSize: 10, batchWindowMs: 200,
      handler: async (event: SQSEvent) => {
        batches.push(event.Records.length);
        seen.push(...event.Records.map((r) => r.body));
        return { batchItemFailures: event.Records.filter((r) => r.body === "poison").map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    const deadline = Date.now() + 25_000;
    let dlq: string[] = [];
    while (Date.now() < deadline && dlq.length === 0) {
      await new Promise((r) => setTimeout(r, 500));
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: servers.dlqUrls.submissions, MaxNumberOfMessages: 10 }));
      dlq = (got.Messages ?? []).map((m) => m.Body ?? "");
    }
    await source.stop();
    expect(dlq).toEqual(["poison"]);
    expect(seen.filter((b) => b === "ok-1")).toHaveLength(1);
    expect(seen.filter((b) => b === "ok-2")).toHaveLength(1);
    expect(seen.filter((b) => b === "poison")).toHaveLength(maxReceiveCount);
    expect(batches[0]).toBe(3);
  }, 40_000);
});
