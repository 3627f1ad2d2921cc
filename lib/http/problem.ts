/**
 * The API's error vocabulary. Every 4xx names the field and the problem; a 5xx says nothing
 * internal. Handlers throw `HttpProblem` (or domain errors the error mapper knows), never build
 * error responses themselves.
 */

/** One thing wrong with the request: where (`field`, dotted path, "" for the whole body) and what. */
export interface Issue {
  field: string;
  problem: string;
}

export type ProblemCode =
  | "bad_request"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "method_not_allowed"
  | "unavailable"
  | "internal_error";

export const statusOf: Record<ProblemCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal_error: 500,
  unavailable: 503,
};

export class HttpProblem extends Error {
  override readonly name = "HttpProblem";
  readonly status: number;
  /** Extra response headers (e.g. `allow` on a 405). */
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly issues: Issue[] = [],
    options?: { cause?: unknown; status?: number; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status ?? statusOf[code];
    this.headers = options?.headers ?? {};
  }

  static invalid(field: string, problem: string): HttpProblem {
    return new HttpProblem("validation_failed", `${field || "body"}: ${problem}`, [{ field, problem }]);
  }
}

/** The JSON body of every error response. */
export interface ProblemBody {
  error: { code: ProblemCode; message: string; issues: Issue[] };
  requestId?: string;
}
