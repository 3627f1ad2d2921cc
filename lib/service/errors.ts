/**
 * The service's error vocabulary. One base class; each subclass sets `name` and carries
 * `cause`. The HTTP layer maps them: Validation → 400, NotFound → 404, Forbidden → 403,
 * Conflict/LeaseTaken/StaleLease → 409, Retryable → 503. Anything else is a 500.
 */
export class ServiceError extends Error {
  override name = "ServiceError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** Bad input: names the field (dotted path, "" = whole body) and the problem. */
export class ValidationError extends ServiceError {
  override name = "ValidationError";
  readonly issues: { field: string; problem: string }[];
  constructor(readonly field: string, readonly problem: string, options?: { cause?: unknown; more?: { field: string; problem: string }[] }) {
    super(`${field || "body"}: ${problem}`, options);
    this.issues = [{ field, problem }, ...(options?.more ?? [])];
  }
}

export class NotFoundError extends ServiceError {
  override name = "NotFoundError";
  constructor(readonly what: string, readonly id: string, options?: { cause?: unknown }) {
    super(`${what} ${id} not found`, options);
  }
}

/** The actor may not do this (e.g. a client touching another client's job). */
export class ForbiddenError extends ServiceError {
  override name = "ForbiddenError";
}

/** The request conflicts with current state (e.g. editing a finished job, an idempotency key reused with another body). */
export class ConflictError extends ServiceError {
  override name = "ConflictError";
  constructor(message: string, readonly existing?: unknown, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A task is already leased by someone else; carries the existing lease. */
export class LeaseTakenError extends ConflictError {
  override name = "LeaseTakenError";
}

/** An update came with a lease token that is no longer current: the agent must stop that task. */
export class StaleLeaseError extends ConflictError {
  override name = "StaleLeaseError";
  constructor(readonly taskId: string, readonly token: string, existing?: unknown) {
    super(`task ${taskId}: lease token is no longer valid`, existing);
  }
}

/** Optimistic writes kept colliding, or the store throttled/timed out: safe to retry later. */
export class RetryableError extends ServiceError {
  override name = "RetryableError";
}
