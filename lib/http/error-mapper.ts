/**
 * The ONE place an exception becomes an HTTP response. Known errors (our HttpProblem, zod
 * validation, middy's parser errors, the service's domain errors) become precise 4xx; anything
 * else is a 500 whose body says nothing internal (the logger gets the detail).
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { z } from "zod";
import { HttpProblem, type Issue, type ProblemBody, type ProblemCode } from "./problem.ts";
import { fieldPath } from "../service/job-spec.ts";
import { domainProblem } from "./domain-errors.ts";

export function toProblem(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof z.ZodError) return fromZod(err);
  const middy = fromMiddy(err);
  if (middy) return middy;
  return domainProblem(err) ?? new HttpProblem("internal_error", "internal error", [], { cause: err });
}

export function errorResponse(err: unknown, requestId?: string): APIGatewayProxyStructuredResultV2 {
  const problem = toProblem(err);
  const body: ProblemBody = {
    error: { code: problem.code, message: problem.message, issues: problem.issues },
    ...(requestId ? { requestId } : {}),
  };
  return {
    statusCode: problem.status,
    headers: { ...problem.headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

/** Zod issues → one issue per field, in the caller's words (`steps[0].name: expected string`). */
export function issuesFromZod(err: z.ZodError, prefix = ""): Issue[] {
  return flatten(err.issues, prefix ? [prefix] : []);
}

type ZodIssue = z.core.$ZodIssue;

function flatten(issues: readonly ZodIssue[], base: PropertyKey[]): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    const path = [...base, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((k) => ({ field: fieldPath([...path, k]), problem: "unknown field" }));
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // Report the branch the caller most nearly matched (fewest problems), not "invalid input".
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      if (best.length > 0) return flatten(best, path);
    }
    return [{ field: fieldPath(path), problem: issue.message }];
  });
}

export function fromZod(err: z.ZodError, prefix = ""): HttpProblem {
  const issues = issuesFromZod(err, prefix);
  const first = issues[0];
  const message = first ? `${first.field || "body"}: ${first.problem}` : "invalid request";
  return new HttpProblem("validation_failed", message, issues, { cause: err });
}

/** middy's http-json-body-parser says 415 for malformed JSON; to a caller that is a 400. */
function fromMiddy(err: unknown): HttpProblem | null {
  if (!(err instanceof Error) || typeof (err as { statusCode?: unknown }).statusCode !== "number") return null;
  const status = (err as unknown as { statusCode: number }).statusCode;
  const cause = (err as { cause?: { package?: string; message?: string } }).cause;
  if (cause?.package === "@middy/http-json-body-parser" && /malformed JSON/i.test(err.message)) {
    const detail = cause.message ? ` (${cause.message})` : "";
    return new HttpProblem("bad_request", `body: malformed JSON${detail}`, [
      { field: "body", problem: `malformed JSON${detail}` },
    ]);
  }
  if (status >= 400 && status < 500) {
    const code: ProblemCode = status === 415 ? "unsupported_media_type" : status === 413 ? "payload_too_large" : "bad_request";
    return new HttpProblem(code, err.message, [], { status });
  }
  return null;
}
