/**
 * Real local AWS stand-ins for tests: dynalite (DynamoDB) and fauxqs (SQS), started in-process
 * on random loopback ports. Each call gets its own servers and a fresh table, so test files
 * running in parallel forks never share state.
 *
 *   const aws = await startLocalAws();
 *   ... aws.ddb / aws.doc / aws.sqs / aws.tableName / aws.queueUrls.planTrigger ...
 *   await aws.stop();
 */
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";
import { createTable } from "../../lib/adapters/aws/table-schema.ts";
import { maxReceiveCount, queueNames, type QueueRole } from "../../lib/adapters/aws/queue-names.ts";

const require = createRequire(import.meta.url);
// dynalite is CommonJS without types.
const dynalite = require("dynalite") as (opts: Record<string, unknown>) => import("node:http").Server;

export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };
export const localRegion = "us-east-1";

export interface LocalAws {
  ddb: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  tableName: string;
  queueUrls: Record<QueueRole, string>;
  dlqUrls: Record<QueueRole, string>;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  stop(): Promise<void>;
}

export interface LocalAwsOptions {
  tableName?: string;
  /** Seconds a received message stays invisible (short in tests so redelivery is quick). */
  visibilityTimeoutSec?: number;
  /** Skip SQS when a test needs only DynamoDB. */
  sqs?: boolean;
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const tableName = options.tableName ?? "burstfarm";
  // createTableMs 0: the table is ACTIVE at once, no polling needed.
  const dyn = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    dyn.once("error", reject);
    dyn.listen(0, "127.0.0.1", () => resolve());
  });
  const dynamoEndpoint = `http://127.0.0.1:${(dyn.address() as AddressInfo).port}`;
  const ddb = new DynamoDBClient({ endpoint: dynamoEndpoint, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
  const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
  await createTable(ddb, tableName);

  // fauxqs' startFauxqs binds 0.0.0.0; build the app ourselves to stay on loopback.
  const withSqs = options.sqs ?? true;
  const fq = withSqs ? buildApp({ logger: false }) : undefined;
  let sqsEndpoint = "";
  if (fq) {
    const address = await fq.listen({ port: 0, host: "127.0.0.1" });
    sqsEndpoint = address;
  }
  const sqs = new SQSClient({
    endpoint: sqsEndpoint || "http://127.0.0.1:9",
    region: localRegion,
    credentials: localCredentials,
    useQueueUrlAsEndpoint: false,
    maxAttempts: 1,
  });
  const queueUrls = {} as Record<QueueRole, string>;
  const dlqUrls = {} as Record<QueueRole, string>;
  if (fq) {
    for (const role of Object.keys(queueNames) as QueueRole[]) {
      const name = queueNames[role];
      const fifo = name.endsWith(".fifo");
      const dlqName = fifo ? name.replace(/\.fifo$/, "-dlq.fifo") : `${name}-dlq`;
      const fifoAttrs: Record<string, string> = fifo ? { FifoQueue: "true" } : {};
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: dlqName, Attributes: fifoAttrs }));
      const dlqArn = `arn:aws:sqs:${localRegion}:000000000000:${dlqName}`;
      const q = await sqs.send(new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          ...fifoAttrs,
          VisibilityTimeout: String(options.visibilityTimeoutSec ?? 1),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
        },
      }));
      queueUrls[role] = q.QueueUrl!;
      dlqUrls[role] = dlq.QueueUrl!;
    }
  }

  return {
    ddb, doc, sqs, tableName, queueUrls, dlqUrls, dynamoEndpoint, sqsEndpoint,
    async stop() {
      ddb.destroy();
      sqs.destroy();
      await fq?.close();
      await new Promise<void>((resolve) => dyn.close(() => resolve()));
    },
  };
}
