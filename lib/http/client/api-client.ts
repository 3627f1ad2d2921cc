/**
 * A small client of the burstfarm HTTP API (local or a `cdk deploy`): bearer token, JSON in and
 * out, and the API's error body turned into an `ApiError` that keeps the status, code and the
 * field-level issues. Used by the CLI, the local farm's seeding and its progress view.
 */
export interface ApiIssue { field: string; problem: string }

export class ApiError extends Error {
  override name = "ApiError";
  constructor(readonly status: number, readonly code: string, message: string, readonly issues: ApiIssue[] = []) {
    super(message);
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class ApiClient {
  constructor(readonly baseUrl: string, private readonly token: string) {}

  async request<T = any>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const url = new URL(path.replace(/^\//, ""), this.baseUrl.endsWith("/") ? this.baseUrl : `${this.baseUrl}/`);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(o.body !== undefined ? { "content-type": "application/json" } : {}), ...o.headers },
        ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
    } catch (err) {
      throw new ApiError(0, "unreachable", `cannot reach ${this.baseUrl} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message})`);
    }
    const text = await res.text();
    const body = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const e = (body as { error?: { code?: string; message?: string; issues?: ApiIssue[] } } | undefined)?.error;
      throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? (text.slice(0, 200) || res.statusText), e?.issues ?? []);
    }
    return body as T;
  }

  get<T = any>(path: string, query?: RequestOptions["query"]): Promise<T> {
    return this.request<T>("GET", path, query ? { query } : {});
  }

  /** Every page of a listing (`items` + `cursor`). */
  async all<T = any>(path: string, query: RequestOptions["query"] = {}, max = 10_000): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.get<{ items: T[]; cursor?: string }>(path, { limit: 100, ...query, cursor });
      out.push(...page.items);
      cursor = page.cursor;
    } while (cursor && out.length < max);
    return out;
  }
}

function safeJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return text; }
}
