/**
 * The CLI's exit codes (documented in `burstfarm --help` and the README):
 *   0 ok · 1 failure (server error, unreachable API, refused credential) · 2 usage (bad command,
 *   flag or input; the API's 400/413/415) · 3 not found (404) · 4 conflict (409: stale lease,
 *   reused idempotency key, duplicate id).
 */
import { ApiError } from "../http/client/api-client.ts";

export const exitCodes = { ok: 0, failure: 1, usage: 2, notFound: 3, conflict: 4 } as const;

export const exitCodeHelp = `Exit codes: 0 ok, 1 failure, 2 usage or invalid input, 3 not found, 4 conflict.`;

/** A failure the CLI explains itself: message on stderr, this exit code. */
export class CliError extends Error {
  override name = "CliError";
  constructor(message: string, readonly exitCode: number = exitCodes.failure) {
    super(message);
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof ApiError) {
    if (err.status === 404) return exitCodes.notFound;
    if (err.status === 409) return exitCodes.conflict;
    if (err.status === 400 || err.status === 413 || err.status === 415) return exitCodes.usage;
  }
  return exitCodes.failure;
}

export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const issues = err.issues.map((i) => `\n  ${i.field ? `${i.field}: ` : ""}${i.problem}`).join("");
    return `${err.message}${issues}${err.status ? ` (HTTP ${err.status})` : ""}`;
  }
  return err instanceof Error ? err.message : String(err);
}
