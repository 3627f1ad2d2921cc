/**
 * Injected faults (aws-sdk-client-mock): throttling, timeouts and endless write conflicts
 * become typed, retryable service errors that carry the SDK error as `cause`.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoJobStore } from "../../../lib/adapters/aws/dynamo-job-store.ts";
import { DynamoTable, maxWriteAttempts } from "../../../lib/adapters/aws/dynamo-table.ts";
import { SqsPlanTrigger } from "../../../lib/adapters/aws/sqs-queue.ts";
import { RetryableError, ServiceError } from "../../../lib/service/errors.ts";

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
const ddbMock = mockClient(doc);
const sqs = new SQSClient({ region: "us-east-1" });
const sqsMock = mockClient(sqs);
const store = new DynamoJobStore(new DynamoTable(doc, "burstfarm", async () => {}));

function sdkError(name: string, status = 400): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

const stored = { pk: "JOB#j1", sk: "JOB", id: "j1", version: 7, status: "queued", steps: [] };

describe("storage faults", () => {
  beforeEach(() => { ddbMock.reset(); sqsMock.reset(); });

  it("turns throttling into a RetryableError carrying the SDK error", async () => {
    const throttled = sdkError("ProvisionedThroughputExceededException");
    ddbMock.on(QueryCommand).rejects(throttled);
    const err = await store.get("j1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as Error).cause).toBe(throttled);
  });

  it("turns a timeout into a RetryableError", async () => {
    ddbMock.on(QueryCommand).rejects(sdkError("TimeoutError", 0));
    await expect(store.get("j1")).rejects.toBeInstanceOf(RetryableError);
  });

  it("does not call a validation failure from DynamoDB retryable", async () => {
    ddbMock.on(QueryCommand).rejects(sdkError("ValidationException"));
    const err = await store.get("j1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).not.toBeInstanceOf(RetryableError);
  });

  it("writes conditionally on the version it read, and gives up after endless conflicts", async () => {
    ddbMock.on(QueryCommand).resolves({ Items: [stored] });
    ddbMock.on(PutCommand).rejects(sdkError("ConditionalCheckFailedException"));
    await expect(store.update("j1", (j) => ({ next: { ...j, priority: 99 }, result: null }))).rejects.toBeInstanceOf(RetryableError);
    expect(ddbMock).toHaveReceivedCommandTimes(PutCommand, maxWriteAttempts);
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, {
      TableName: "burstfarm", ConditionExpression: "version = :v", ExpressionAttributeValues: { ":v": 7 },
    });
  });

  it("creates a job only if its id is free", async () => {
    ddbMock.on(PutCommand).resolves({});
    await store.create({ ...stored, clientId: "A", submittedAt: 1 } as never);
    expect(ddbMock).toHaveReceivedCommandWith(PutCommand, { ConditionExpression: "attribute_not_exists(pk)" });
  });

  it("reports a throttled plan trigger as retryable", async () => {
    sqsMock.on(SendMessageCommand).rejects(sdkError("ThrottlingException"));
    const trigger = new SqsPlanTrigger(sqs, "http://127.0.0.1:1/000000000000/burstfarm-plan-trigger.fifo");
    await expect(trigger.requestPlan("test", 0)).rejects.toBeInstanceOf(RetryableError);
  });

  it("sends plan triggers to one FIFO message group", async () => {
    sqsMock.on(SendMessageCommand).resolves({ MessageId: "m1" });
    await new SqsPlanTrigger(sqs, "http://127.0.0.1:1/000000000000/burstfarm-plan-trigger.fifo").requestPlan("job edited", 5);
    expect(sqsMock).toHaveReceivedCommandWith(SendMessageCommand, { MessageGroupId: "plan", MessageBody: JSON.stringify({ reason: "job edited", at: 5 }) });
  });
});
