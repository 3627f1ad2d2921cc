/// <reference lib="dom" />
/**
 * The page's API client, typed against the same route contracts as the API (type imports only:
 * no schema code reaches the browser). The few method + path pairs the page calls are listed
 * once below; a unit test checks them against the contracts.
 */
import type { z } from "zod";
import type { contracts } from "../../http/contract/index.ts";

type Contracts = typeof contracts;
export type RouteName = keyof Contracts;

type In<S> = S extends z.ZodType ? z.input<S> : never;
export type Reply<N extends RouteName> = z.output<Contracts[N]["response"]>;
export interface CallInput<N extends RouteName> {
  params?: In<Contracts[N]["params"]>;
  query?: In<Contracts[N]["query"]>;
  body?: In<Contracts[N]["body"]>;
}

export const routes = {
  listJobs: "GET /jobs",
  getJob: "GET /jobs/{id}",
  editJob: "PATCH /jobs/{id}",
  cancelJob: "DELETE /jobs/{id}",
  approveJob: "POST /jobs/{id}/approve",
  getJobTasks: "GET /jobs/{id}/tasks",
  getTaskLog: "GET /jobs/{id}/tasks/{taskId}/log",
  listJobOutputs: "GET /jobs/{id}/outputs",
  getFrameThumbnail: "GET /jobs/{id}/outputs/{taskId}/{n}/thumbnail",
  getFrameImage: "GET /jobs/{id}/outputs/{taskId}/{n}/image",
  requeueFailed: "POST /jobs/{id}/requeue-failed",
  getJobCosts: "GET /job-costs",
  listClients: "GET /clients",
  listNodes: "GET /nodes",
  drainNode: "POST /nodes/{id}/drain",
  enableNode: "POST /nodes/{id}/enable",
  getFarm: "GET /farm",
  getFarmHistory: "GET /farm/history",
  getAudit: "GET /audit",
} as const satisfies Partial<Record<RouteName, string>>;

export type UsedRoute = keyof typeof routes;
export type JobView = Reply<"getJob">;
export type JobTasks = Reply<"getJobTasks">;
export type NodeView = Reply<"listNodes">["items"][number];
export type FarmView = Reply<"getFarm">;
export type FarmHistory = Reply<"getFarmHistory">;
export type ClientView = Reply<"listClients">["items"][number];
export type JobCost = Reply<"getJobCosts">["items"][number];
export type AuditEvent = Reply<"getAudit">["items"][number];
export type JobOutput = Reply<"listJobOutputs">["items"][number];
/** Routes whose reply is an image, not JSON (Api.blob). */
export type BinaryRoute = "getFrameThumbnail" | "getFrameImage";

/** The API's error body: `{"error":{"code","message","issues"}}`. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "ApiError";
  }
}

export interface Api {
  call<N extends Exclude<UsedRoute, BinaryRoute>>(name: N, input?: CallInput<N>): Promise<Reply<N>>;
  /** An image route's bytes, fetched with the same bearer token (an <img src> could not send it). */
  blob<N extends BinaryRoute>(name: N, input: CallInput<N>): Promise<Blob>;
}

export function createApi(base: string, token: () => string | null): Api {
  const request = async (name: UsedRoute, input: CallInput<UsedRoute>): Promise<Response> => {
    const [method, template] = routes[name].split(" ") as [string, string];
    const params = (input.params ?? {}) as Record<string, string | number>;
    const path = template.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(String(params[k] ?? "")));
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries((input.query ?? {}) as Record<string, unknown>)) if (v !== undefined && v !== "") query.set(k, String(v));
    const headers: Record<string, string> = {};
    const t = token();
    if (t) headers.authorization = `Bearer ${t}`;
    if (input.body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${base}${path}${query.size ? `?${query}` : ""}`, {
      method, headers, ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
    });
    if (res.ok) return res;
    const json = await res.json().catch(() => undefined);
    throw new ApiError(res.status, json?.error?.code ?? "error", json?.error?.message ?? `${res.status} ${res.statusText}`);
  };
  return {
    async call(name, input = {}) {
      const text = await (await request(name, input as CallInput<UsedRoute>)).text();
      return text ? JSON.parse(text) : undefined;
    },
    async blob(name, input) {
      return (await request(name, input as CallInput<UsedRoute>)).blob();
    },
  };
}
