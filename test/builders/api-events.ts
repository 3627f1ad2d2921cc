/**
 * API-Gateway-shaped events for handler tests: HTTP API (payload v2), SQS batches, EventBridge
 * scheduled events and a Lambda context.
 *
 *   aRequest("POST", "/jobs").as(tokens.clientA).json({ ... }).build()
 */
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2, Context, EventBridgeEvent, SQSEvent, SQSRecord } from "aws-lambda";

export class RequestBuilder {
  private headers: Record<string, string> = {};
  private query: Record<string, string> | undefined;
  private body: string | undefined;
  private authorizer: Record<string, unknown> | undefined;

  constructor(private readonly method: string, private readonly path: string) {}

  /** Bearer token (local mode). */
  as(token: string): this {
    this.headers.Authorization = `Bearer ${token}`;
    return this;
  }

  /** Claims as API Gateway's JWT authorizer passes them on (already verified). */
  withJwtClaims(claims: Record<string, string>): this {
    this.authorizer = { jwt: { claims, scopes: null } };
    return this;
  }

  withIamCaller(userArn: string): this {
    this.authorizer = { iam: { userArn, accountId: "111111111111", callerId: "AROA:x" } };
    return this;
  }

  header(name: string, value: string): this {
    this.headers[name] = value;
    return this;
  }

  withQuery(query: Record<string, string | number>): this {
    this.query = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]));
    return this;
  }

  json(value: unknown): this {
    return this.raw(JSON.stringify(value), "application/json");
  }

  raw(body: string, contentType?: string): this {
    this.body = body;
    if (contentType) this.headers["Content-Type"] = contentType;
    return this;
  }

  build(): APIGatewayProxyEventV2 {
    const requestId = randomUUID();
    const rawQueryString = this.query ? new URLSearchParams(this.query).toString() : "";
    return {
      version: "2.0",
      routeKey: "$default",
      rawPath: this.path,
      rawQueryString,
      headers: { ...this.headers },
      ...(this.query ? { queryStringParameters: { ...this.query } } : {}),
      ...(this.body !== undefined ? { body: this.body } : {}),
      isBase64Encoded: false,
      requestContext: {
        accountId: "111111111111",
        apiId: "api",
        domainName: "api.example.test",
        domainPrefix: "api",
        http: { method: this.method, path: this.path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test" },
        requestId,
        routeKey: "$default",
        stage: "$default",
        time: new Date().toISOString(),
        timeEpoch: Date.now(),
        ...(this.authorizer ? { authorizer: this.authorizer } : {}),
      },
    } as APIGatewayProxyEventV2;
  }
}

export const aRequest = (method: string, path: string): RequestBuilder => new RequestBuilder(method, path);

export function aLambdaContext(name = "burstfarm-test"): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:111111111111:function:${name}`,
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: "test",
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An SQS record; pass the same messageId twice to model a duplicate delivery. */
export function anSqsRecord(body: unknown, options: { messageId?: string; queue?: string; receiveCount?: number } = {}): SQSRecord {
  const queue = options.queue ?? "burstfarm-queue";
  return {
    messageId: options.messageId ?? randomUUID(),
    receiptHandle: randomUUID(),
    body: typeof body === "string" ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(Date.now()),
      SenderId: "AIDA",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: `arn:aws:sqs:us-east-1:111111111111:${queue}`,
    awsRegion: "us-east-1",
  };
}

export const anSqsEvent = (records: SQSRecord[]): SQSEvent => ({ Records: records });

export function aScheduledEvent(at = new Date()): EventBridgeEvent<"Scheduled Event", Record<string, never>> {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "111111111111",
    time: at.toISOString(),
    region: "us-east-1",
    resources: ["arn:aws:events:us-east-1:111111111111:rule/burstfarm-planner"],
    detail: {},
  };
}
