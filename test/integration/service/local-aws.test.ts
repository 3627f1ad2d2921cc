import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { startLocalAws, type LocalAws } from "../../support/local-aws.ts";

describe("the local AWS harness", () => {
  let aws: LocalAws;
  beforeAll(async () => { aws = await startLocalAws(); });
  afterAll(async () => { await aws.stop(); });

  it("serves a fresh DynamoDB table on a loopback port", async () => {
    expect(aws.dynamoEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await aws.ddb.send(new PutItemCommand({ TableName: aws.tableName, Item: { pk: { S: "a" }, sk: { S: "b" }, v: { N: "1" } } }));
    const got = await aws.ddb.send(new GetItemCommand({ TableName: aws.tableName, Key: { pk: { S: "a" }, sk: { S: "b" } } }));
    expect(got.Item?.v).toEqual({ N: "1" });
  });

  it("serves SQS queues with a redrive policy to a DLQ", async () => {
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.queueUrls.agentEvents, MessageBody: "hello" }));
    const got = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.queueUrls.agentEvents, WaitTimeSeconds: 1 }));
    expect(got.Messages?.[0]?.Body).toBe("hello");
    const attrs = await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: aws.queueUrls.agentEvents, AttributeNames: ["RedrivePolicy"] }));
    expect(JSON.parse(attrs.Attributes?.RedrivePolicy ?? "{}").maxReceiveCount).toBe(5);
  });

  it("coalesces plan triggers with the same deduplication id on the FIFO queue", async () => {
    for (let i = 0; i < 3; i++) {
      await aws.sqs.send(new SendMessageCommand({ QueueUrl: aws.queueUrls.planTrigger, MessageBody: "plan", MessageGroupId: "plan", MessageDeduplicationId: "bucket-1" }));
    }
    const got = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: aws.queueUrls.planTrigger, MaxNumberOfMessages: 10 }));
    expect(got.Messages).toHaveLength(1);
  });
});
