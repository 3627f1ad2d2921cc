/**
 * Real local AWS stand-ins for tests: dynalite (DynamoDB) and fauxqs (SQS), started in-process
 * on random loopback ports. Each call gets its own servers and a fresh table, so test files
 * running in parallel forks never share state.
 *
 *   const aws = await startLocalAws();
 *   ... aws.ddb / aws.doc / aws.sqs / aws.tableName / aws.queueUrls.planTrigger ...
 *   await aws.stop();
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";
import { createTable } from "../../lib/adapters/aws/table-schema.ts";
import type { QueueRole } from "../../lib/adapters/aws/queue-names.ts";
import { createQueues, listenDynalite, localCredentials, localRegion } from "../../lib/local/local-servers.ts";

export { localCredentials, localRegion };

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
  const { server: dyn, endpoint: dynamoEndpoint } = await listenDynalite();
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
  // The queues and DLQs exactly as local mode (and the stack) make them; 1 s visibility by default so redelivery is quick.
  const { queueUrls, dlqUrls } = fq
    ? await createQueues(sqsEndpoint, options.visibilityTimeoutSec ?? 1)
    : { queueUrls: {} as Record<QueueRole, string>, dlqUrls: {} as Record<QueueRole, string> };

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
