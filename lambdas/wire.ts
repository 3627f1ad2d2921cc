/**
 * Builds everything a handler needs ONCE per container, from the environment: AWS clients,
 * the service's ports (lib/adapters/aws), auth config, logger and metrics. Handlers call
 * `wired()`; tests call `wire(env)` with endpoints of their local servers.
 *
 * Environment:
 *   TABLE_NAME                 DynamoDB table (required)
 *   PLAN_TRIGGER_QUEUE_URL     FIFO plan-trigger queue (optional: without it plans wait for the schedule)
 *   DYNAMODB_ENDPOINT, SQS_ENDPOINT   local stand-ins (dynalite, fauxqs); absent in AWS
 *   BURSTFARM_TOKENS           JSON token table for local bearer auth (see lib/http/auth.ts)
 *   BURSTFARM_AGENT_ROLE_NAME  IAM role whose sessions are agents
 *   OUTPUT_BUCKET / OUTPUT_DIR  the output store (task logs, frames): an S3 bucket, or a folder locally
 *   BURSTFARM_CLOUD_AGENT_ROLE_NAME  IAM role whose sessions are cloud agents (session name = instance id)
 *   BURSTFARM_AGENT_TOKEN_KEYS JSON {current, keys: {kid: base64url ≥32 bytes}, ttlSec?}: signs node tokens
 *                              (lib/service/identity/node-credentials.ts); unset: agents cannot get tokens
 *   CAPACITY_QUEUE_URL         capacity trigger queue (optional: the planner asks the capacity Lambda to run)
 *   BURSTFARM_MAX_SPEND_PER_HOUR, BURSTFARM_MAX_INSTANCES   the farm's cloud ceiling (optional, each): the
 *                              planner plans bursts within it and GET /farm shows it (`cloudLimitsFromEnv`)
 *   POWERTOOLS_*               logger/metrics settings
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Logger } from "@aws-lambda-powertools/logger";
import type { LogLevel } from "@aws-lambda-powertools/logger/types";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { S3Client } from "@aws-sdk/client-s3";
import { awsServiceDeps } from "../lib/adapters/aws/service-deps.ts";
import { S3OutputStore } from "../lib/adapters/aws/s3-output-store.ts";
import { FolderOutputStore } from "../lib/adapters/folder-output-store.ts";
import { SqsJsonQueue } from "../lib/adapters/aws/sqs-queue.ts";
import { authConfigFromEnv, type AuthConfig } from "../lib/http/auth.ts";
import type { CloudLimits } from "../lib/planner/index.ts";
import { nodeCredentialsFromEnv, type Clock, type OutputStore, type PlanTrigger, type ServiceDeps } from "../lib/service/index.ts";

export interface Wired {
  deps: ServiceDeps;
  auth: AuthConfig;
  logger: Logger;
  metrics: Metrics;
  /** Asks the capacity Lambda to act on the plan's burst requests and releases (lambdas/capacity.ts). */
  capacityTrigger?: PlanTrigger;
}

export interface WireOverrides {
  clock?: Clock;
  /** Where task logs and outputs live (local mode: a folder). */
  outputs?: OutputStore;
  /** Local credentials for the stand-ins (never used in AWS). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function wire(env: NodeJS.ProcessEnv, overrides: WireOverrides = {}): Wired {
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new Error("TABLE_NAME is not set");
  const region = env.AWS_REGION ?? "us-east-1";
  const common = { region, ...(overrides.credentials ? { credentials: overrides.credentials } : {}) };
  const ddb = new DynamoDBClient({ ...common, ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}) });
  const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
  const sqs = new SQSClient({ ...common, ...(env.SQS_ENDPOINT ? { endpoint: env.SQS_ENDPOINT } : {}) });
  const credentials = nodeCredentialsFromEnv(env);
  const cloudLimits = cloudLimitsFromEnv(env);
  const deps: ServiceDeps = awsServiceDeps({
    doc,
    tableName,
    sqs,
    ...(env.PLAN_TRIGGER_QUEUE_URL ? { planTriggerQueueUrl: env.PLAN_TRIGGER_QUEUE_URL } : {}),
    ...(overrides.clock ? { clock: overrides.clock } : {}),
    ...(env.OUTPUT_BUCKET ? { outputs: new S3OutputStore(new S3Client(common), env.OUTPUT_BUCKET) } : env.OUTPUT_DIR ? { outputs: new FolderOutputStore(env.OUTPUT_DIR) } : {}),
    ...(credentials ? { credentials } : {}),
    ...(overrides.outputs ? { outputs: overrides.outputs } : {}),
  });
  if (cloudLimits) deps.cloudLimits = cloudLimits;
  const service = env.POWERTOOLS_SERVICE_NAME ?? "burstfarm";
  const logger = new Logger({ serviceName: service, logLevel: (env.POWERTOOLS_LOG_LEVEL ?? "INFO") as LogLevel });
  const capacityQueue = env.CAPACITY_QUEUE_URL ? new SqsJsonQueue<{ reason: string; at: number }>(sqs, env.CAPACITY_QUEUE_URL) : undefined;
  return {
    deps,
    ...(capacityQueue ? { capacityTrigger: { requestPlan: async (reason: string, at: number) => { await capacityQueue.send({ reason, at }); } } } : {}),
    auth: authConfigFromEnv(env),
    logger,
    // Metrics' own warnings go through the same logger (and its level).
    metrics: new Metrics({ namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? "burstfarm", serviceName: service, logger }),
  };
}

/**
 * The farm's cloud ceiling from BURSTFARM_MAX_SPEND_PER_HOUR (USD per hour, > 0) and
 * BURSTFARM_MAX_INSTANCES (a whole number > 0); either may be unset, neither set is no ceiling.
 * A bad value fails the container at once, naming the variable (never a silent "no ceiling").
 */
export function cloudLimitsFromEnv(env: NodeJS.ProcessEnv): CloudLimits | undefined {
  const read = (key: string, whole: boolean): number | undefined => {
    const raw = env[key];
    if (raw === undefined || raw.trim() === "") return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || (whole && !Number.isInteger(n))) {
      throw new Error(`${key} must be a positive ${whole ? "whole number" : "number"}, got ${JSON.stringify(raw)}`);
    }
    return n;
  };
  const maxSpendPerHour = read("BURSTFARM_MAX_SPEND_PER_HOUR", false);
  const maxInstances = read("BURSTFARM_MAX_INSTANCES", true);
  if (maxSpendPerHour === undefined && maxInstances === undefined) return undefined;
  return { ...(maxSpendPerHour !== undefined ? { maxSpendPerHour } : {}), ...(maxInstances !== undefined ? { maxInstances } : {}) };
}

let cached: Wired | undefined;

/** The container's wiring, built on first use (not at import, so importing never needs env). */
export function wired(): Wired {
  cached ??= wire(process.env);
  return cached;
}
