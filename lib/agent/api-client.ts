/**
 * The agent's side of the HTTP API: outbound calls only, a bearer node credential on each.
 * A network error, timeout, 429 or 5xx is `ApiUnavailable` (retry later, keep the report);
 * any other 4xx is `ApiRejected` (the request itself is wrong; retrying will not help).
 */
import type { FrameOutput } from "../service/monitor/task-outputs.ts";
import type { JobRunSpec } from "../service/run-spec.ts";
import type { PollReply } from "../service/views.ts";

export class ApiUnavailable extends Error {
  override name = "ApiUnavailable";
}

export class ApiRejected extends Error {
  override name = "ApiRejected";
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface PollBody {
  tasks: { taskId: string; token: string; state: "queued" | "running" | "succeeded" | "failed" | "interrupted"; progress?: number; startedAt?: number; endedAt?: number; message?: string; outputs?: FrameOutput[] }[];
  metrics?: { cpuPct: number; memoryPct: number };
  stopping?: boolean;
}

export interface RegisterReply {
  nodeId: string;
  pollIntervalSec: number;
  leaseSec: number;
  token?: string;
  tokenExpiresAt?: string;
}

export class AgentApi {
  /** Bytes sent and received, for the poll-overhead measurement. */
  readonly traffic = { sent: 0, received: 0, calls: 0 };

  constructor(
    private readonly baseUrl: string,
    private readonly bearer: () => string,
    private readonly timeoutMs = 20_000,
  ) {}

  /** With a registration secret (a new node) or a node token (refresh): the bearer is given explicitly. */
  register(body: unknown, bearer: string): Promise<RegisterReply> {
    return this.call("POST", "/agents/register", body, bearer);
  }

  poll(nodeId: string, body: PollBody): Promise<PollReply> {
    return this.call("POST", `/agents/${encodeURIComponent(nodeId)}/poll`, body);
  }

  runSpec(nodeId: string, jobId: string): Promise<JobRunSpec> {
    return this.call("GET", `/agents/${encodeURIComponent(nodeId)}/jobs/${encodeURIComponent(jobId)}/run-spec`);
  }

  renewToken(nodeId: string): Promise<{ token: string; tokenExpiresAt: string }> {
    // The route takes no body (a body is a 400): the current token is the whole request.
    return this.call("POST", `/agents/${encodeURIComponent(nodeId)}/token`);
  }

  private async call<T>(method: string, path: string, body?: unknown, bearer?: string): Promise<T> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    this.traffic.calls++;
    this.traffic.sent += (text?.length ?? 0) + path.length;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer ?? this.bearer()}`, ...(text ? { "content-type": "application/json" } : {}) },
        ...(text ? { body: text } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ApiUnavailable(`${method} ${path}: ${(err as Error).message}`, { cause: err });
    }
    const reply = await res.text().catch(() => "");
    this.traffic.received += reply.length;
    if (res.status === 429 || res.status >= 500) throw new ApiUnavailable(`${method} ${path}: HTTP ${res.status}`);
    if (!res.ok) throw new ApiRejected(res.status, `${method} ${path}: HTTP ${res.status} ${reply.slice(0, 500)}`);
    return (reply ? JSON.parse(reply) : undefined) as T;
  }
}
