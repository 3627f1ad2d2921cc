/**
 * The service's domain errors → HTTP. Matched by `name` so lib/http does not depend on every
 * error class; the service's errors each set `name` (see lib/service/errors.ts).
 */
import { HttpProblem, type Issue, type ProblemCode } from "./problem.ts";

const codeByName: Record<string, ProblemCode> = {
  ValidationError: "validation_failed",
  NotFoundError: "not_found",
  ConflictError: "conflict",
  LeaseTakenError: "conflict",
  StaleLeaseError: "conflict",
  ForbiddenError: "forbidden",
  RetryableError: "unavailable",
};

export function domainProblem(err: unknown): HttpProblem | null {
  if (!(err instanceof Error)) return null;
  const code = codeByName[err.name];
  if (!code) return null;
  // 5xx say nothing internal: the adapter's message names the store and the SDK error.
  if (code === "unavailable") return new HttpProblem(code, "temporarily unavailable; retry shortly", [], { cause: err });
  const e = err as Error & { field?: string; issues?: Issue[] };
  const issues = e.issues ?? (e.field !== undefined ? [{ field: e.field, problem: err.message }] : []);
  return new HttpProblem(code, err.message, issues, { cause: err });
}
