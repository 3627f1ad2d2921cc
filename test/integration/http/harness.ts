/**
 * Runs the real API Lambda (lambdas/api.ts via lambdas/wire.ts) against dynalite and fauxqs
 * from test/support/local-aws.ts, with bearer tokens for two clients and an operator, a static
 * agent token bound to node n1, and a registration secret agents exchange for node tokens.
 */
import { createApi } from "../../../lambdas/api.ts";
import { createAgentEvents } from "../../../lambdas/agent-events.ts";
import { createPlanner } from "../../../lambdas/planner.ts";
import { createSubmissions } from "../../../lambdas/submissions.ts";
import { wire, type Wired } from "../../../lambdas/wire.ts";
import type { OutputStore } from "../../../lib/service/index.ts";
import { localCredentials, startLocalAws, type LocalAws } from "../../support/local-aws.ts";
import { aLambdaContext, aRequest, type RequestBuilder } from "../../builders/api-events.ts";
import { ephemeralTokenKeys, issueRegistrationSecret } from "../../../lib/service/index.ts";

export const tokens = {
  clientA: "token-client-a-0000000001",
  clientB: "token-client-b-0000000002",
  operator: "token-operator-00000000003",
  agentN1: "token-agent-n1-0000000005",
} as const;

/** IAM sessions of this role are cloud agents (AWS mode). */
export const agentRoleName = "burstfarm-cloud-agent";

const tokenTable = {
  [tokens.clientA]: { kind: "client", clientId: "studio-a" },
  [tokens.clientB]: { kind: "client", clientId: "studio-b" },
  [tokens.operator]: { kind: "operator" },
  [tokens.agentN1]: { kind: "agent", nodeId: "n1" },
};

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | number | boolean>;
}

export interface ApiHarness {
  aws: LocalAws;
  wired: Wired;
  call<T = any>(req: RequestBuilder): Promise<Reply<T>>;
  planner: ReturnType<typeof createPlanner>;
  agentEvents: ReturnType<typeof createAgentEvents>;
  submissions: ReturnType<typeof createSubmissions>;
  /** An operator-issued registration secret (POST /agents/register with it admits a new node). */
  registrationSecret: string;
  /** Node tokens of nodes registered through `registerNode` (test/integration/http/agents.ts). */
  nodeTokens: Map<string, string>;
  stop(): Promise<void>;
}

/** A clock tests move by hand (lease expiry without waiting). */
export class ManualClock {
  constructor(public at = Date.now()) {}
  now(): number { return this.at; }
  advance(ms: number): void { this.at += ms; }
}

export async function startApi(options: { clock?: ManualClock; outputs?: OutputStore } = {}): Promise<ApiHarness> {
  process.env.POWERTOOLS_METRICS_DISABLED = "true";
  const aws = await startLocalAws();
  const wired = wire({
    TABLE_NAME: aws.tableName,
    DYNAMODB_ENDPOINT: aws.dynamoEndpoint,
    SQS_ENDPOINT: aws.sqsEndpoint,
    PLAN_TRIGGER_QUEUE_URL: aws.queueUrls.planTrigger,
    BURSTFARM_TOKENS: JSON.stringify(tokenTable),
    BURSTFARM_CLOUD_AGENT_ROLE_NAME: agentRoleName,
    BURSTFARM_AGENT_TOKEN_KEYS: JSON.stringify(ephemeralTokenKeys()),
    POWERTOOLS_LOG_LEVEL: "SILENT",
  }, { credentials: localCredentials, ...(options.clock ? { clock: options.clock } : {}), ...(options.outputs ? { outputs: options.outputs } : {}) });
  const api = createApi(wired);
  const { secret } = await issueRegistrationSecret(wired.deps, { label: "test agents" }, { kind: "operator", operatorId: "harness" });
  return {
    registrationSecret: secret,
    nodeTokens: new Map(),
    aws,
    wired,
    planner: createPlanner(wired, "planner-test"),
    agentEvents: createAgentEvents(wired),
    submissions: createSubmissions(wired),
    async call(req) {
      const res = await api(req.build(), aLambdaContext("api"));
      // A binary reply (an image) comes base64-encoded, as API Gateway expects it: the bytes.
      const body = res.body === undefined ? undefined : res.isBase64Encoded ? Buffer.from(res.body, "base64") : JSON.parse(res.body);
      return { status: res.statusCode ?? 200, body, headers: res.headers ?? {} };
    },
    async stop() {
      await aws.stop();
    },
  };
}

export { aRequest };

/** Seeds the two clients every scenario uses, through the client store port (the API's own client routes are tested in the flow). */
export async function seedClients(h: ApiHarness): Promise<void> {
  for (const [id, share] of [["studio-a", 0.5], ["studio-b", 0.3]] as const) {
    await h.wired.deps.clients.create({
      id, name: id, guaranteedShare: share, maxShare: 1, cloudAllowed: true,
      cloudBudgetPerMonth: 1000, cloudBudgetLeft: 1000, createdAt: Date.now(), version: 1,
    });
  }
}

/** A small valid native job, due in `hours`. */
export function aNativeJob(overrides: Record<string, unknown> = {}, hours = 6): Record<string, unknown> {
  return {
    name: "shot-010 beauty",
    deadline: new Date(Date.now() + hours * 3_600_000).toISOString(),
    frames: "1-20",
    secondsPerFrame: 60,
    ...overrides,
  };
}
