/**
 * Builds the service's ports over DynamoDB and SQS. Called once per process (lambdas/wire.ts,
 * lib/local, tests); the AWS clients are passed in, never created here.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Clock, IdGenerator, OutputStore, PlanTrigger, ServiceDeps } from "../../service/ports.ts";
import { DynamoAuditLog } from "./dynamo-audit-log.ts";
import { DynamoClientStore } from "./dynamo-client-store.ts";
import { DynamoJobStore } from "./dynamo-job-store.ts";
import { DynamoMonitorStore } from "./dynamo-monitor-store.ts";
import { DynamoNodeStore } from "./dynamo-node-store.ts";
import { DynamoPlanStore } from "./dynamo-plan-store.ts";
import { DynamoTaskStore } from "./dynamo-task-store.ts";
import { CoalescingTrigger, cachedSettings } from "./per-container.ts";
import { DynamoSecretStore } from "./dynamo-secret-store.ts";
import type { NodeCredentials } from "../../service/identity/node-credentials.ts";
import { DynamoRunSpecStore } from "./dynamo-run-spec-store.ts";
import { DynamoTable } from "./dynamo-table.ts";
import { DynamoUsageLedger } from "./dynamo-usage-ledger.ts";
import { SqsPlanTrigger } from "./sqs-queue.ts";

export const systemClock: Clock = { now: () => Date.now() };

export const randomIds: IdGenerator = {
  id: (prefix) => `${prefix}-${randomUUID().replace(/-/g, "").slice(0, 20)}`,
  token: () => randomBytes(18).toString("base64url"),
};

export interface AwsDepsOptions {
  /** Must be built with `{ marshallOptions: { removeUndefinedValues: true } }`. */
  doc: DynamoDBDocumentClient;
  tableName: string;
  sqs?: SQSClient;
  /** The plan-trigger FIFO queue; without it (or `trigger`) plan requests are dropped. */
  planTriggerQueueUrl?: string;
  trigger?: PlanTrigger;
  clock?: Clock;
  /** How long a container reuses the farm settings it read (0: read every time). */
  settingsCacheMs?: number;
  ids?: IdGenerator;
  /** Node token issuer/verifier (lib/service/identity); without it agents cannot obtain tokens. */
  credentials?: NodeCredentials;
  /** Task logs and outputs (S3, or a folder locally); without it task logs cannot be read. */
  outputs?: OutputStore;
}

export function awsServiceDeps(o: AwsDepsOptions): ServiceDeps {
  // Records have optional fields (e.g. a node's idleSince); the marshaller must drop undefined.
  const translate = (o.doc.config as { translateConfig?: { marshallOptions?: { removeUndefinedValues?: boolean } } }).translateConfig;
  if (!translate?.marshallOptions?.removeUndefinedValues) {
    throw new Error("awsServiceDeps: create the DocumentClient with marshallOptions.removeUndefinedValues = true");
  }
  const table = new DynamoTable(o.doc, o.tableName);
  const clock = o.clock ?? systemClock;
  const trigger = o.trigger
    ?? (o.sqs && o.planTriggerQueueUrl ? new CoalescingTrigger(new SqsPlanTrigger(o.sqs, o.planTriggerQueueUrl)) : { requestPlan: async () => {} });
  return {
    jobs: new DynamoJobStore(table),
    tasks: new DynamoTaskStore(table),
    nodes: new DynamoNodeStore(table),
    clients: new DynamoClientStore(table),
    plans: cachedSettings(new DynamoPlanStore(table), o.settingsCacheMs ?? 5_000),
    audit: new DynamoAuditLog(table),
    usage: new DynamoUsageLedger(table),
    trigger,
    clock,
    ids: o.ids ?? randomIds,
    monitor: new DynamoMonitorStore(table),
    runSpecs: new DynamoRunSpecStore(table),
    ...(o.outputs ? { outputs: o.outputs } : {}),
    secrets: new DynamoSecretStore(table),
    ...(o.credentials ? { credentials: o.credentials } : {}),
  };
}
