/**
 * The AWS stand-ins local mode runs on: dynalite (DynamoDB) with its data in a folder, so the
 * farm survives a restart, and fauxqs (SQS) in memory. Both listen on loopback, on free ports.
 * The table and the queues (each with its DLQ and the stack's redrive policy) are created as
 * the CDK stack creates them; an existing table is kept.
 */
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";
import { createTable } from "../adapters/aws/table-schema.ts";
import { maxReceiveCount, queueNames, type QueueRole } from "../adapters/aws/queue-names.ts";

const require = createRequire(import.meta.url);
// dynalite is CommonJS without types.
const dynalite = require("dynalite") as (opts: Record<string, unknown>) => Server;

export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };
export const localRegion = "us-east-1";
export const localTableName = "burstfarm";

export interface LocalServers {
  dynamoEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  queueUrls: Record<QueueRole, string>;
  dlqUrls: Record<QueueRole, string>;
  /** True when the table already held a farm (a resumed start). */
  resumed: boolean;
  stop(): Promise<void>;
}

export interface LocalServersOptions {
  /** Folder for dynalite's data; in memory when absent (tests). */
  dataDir?: string;
  /** Seconds a received message stays invisible before redelivery. */
  visibilityTimeoutSec?: number;
}

export async function startLocalServers(options: LocalServersOptions = {}): Promise<LocalServers> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const { server: dyn, endpoint: dynamoEndpoint } = await listenDynalite(options.dataDir);
  // fauxqs' own start helper binds 0.0.0.0; building the app keeps it on loopback.
  const fq = buildApp({ logger: false });
  const sqsEndpoint = await fq.listen({ port: 0, host: "127.0.0.1" });
  const stop = async () => {
    await fq.close();
    await new Promise<void>((resolve) => dyn.close(() => resolve()));
  };
  try {
    const resumed = await ensureTable(dynamoEndpoint, localTableName);
    const { queueUrls, dlqUrls } = await createQueues(sqsEndpoint, options.visibilityTimeoutSec ?? 30);
    return { dynamoEndpoint, sqsEndpoint, tableName: localTableName, queueUrls, dlqUrls, resumed, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** dynalite on a free loopback port; data in `dataDir`, or in memory without it. */
export async function listenDynalite(dataDir?: string): Promise<{ server: Server; endpoint: string }> {
  // createTableMs 0: the table is ACTIVE at once.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(dataDir ? { path: dataDir } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function ensureTable(endpoint: string, tableName: string): Promise<boolean> {
  const ddb = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials });
  try {
    await ddb.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    await createTable(ddb, tableName);
    return false;
  } finally {
    ddb.destroy();
  }
}

/** Each queue and its DLQ (`<name>-dlq`, `-dlq.fifo` for FIFO) with the stack's maxReceiveCount. */
export async function createQueues(endpoint: string, visibilityTimeoutSec: number): Promise<{ queueUrls: Record<QueueRole, string>; dlqUrls: Record<QueueRole, string> }> {
  const sqs = new SQSClient({ endpoint, region: localRegion, credentials: localCredentials, useQueueUrlAsEndpoint: false });
  const queueUrls = {} as Record<QueueRole, string>;
  const dlqUrls = {} as Record<QueueRole, string>;
  try {
    for (const role of Object.keys(queueNames) as QueueRole[]) {
      const name = queueNames[role];
      const fifo = name.endsWith(".fifo");
      const dlqName = fifo ? name.replace(/\.fifo$/, "-dlq.fifo") : `${name}-dlq`;
      const fifoAttrs: Record<string, string> = fifo ? { FifoQueue: "true" } : {};
      const dlq = await sqs.send(new CreateQueueCommand({ QueueName: dlqName, Attributes: fifoAttrs }));
      const q = await sqs.send(new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          ...fifoAttrs,
          VisibilityTimeout: String(visibilityTimeoutSec),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:${localRegion}:000000000000:${dlqName}`, maxReceiveCount }),
        },
      }));
      queueUrls[role] = q.QueueUrl!;
      dlqUrls[role] = dlq.QueueUrl!;
    }
  } finally {
    sqs.destroy();
  }
  return { queueUrls, dlqUrls };
}
