/**
 * Thin helpers over the DocumentClient for the one table: keyed get/put, paged queries with
 * opaque cursors, and the optimistic read-modify-write every aggregate uses (condition on
 * `version`, re-read and re-apply on a lost race). dynalite has no transactions, so nothing
 * here relies on them.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { NotFoundError, RetryableError, ValidationError } from "../../service/errors.ts";
import type { Mutation, Page } from "../../service/ports.ts";
import { isConditionFailed, mapSdkError } from "./dynamo-errors.ts";

export type Key = { pk: string; sk: string };
export type Item = Record<string, unknown>;
const keyAttrs = ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "ttl"];

/**
 * Lost races are retried (re-read, re-apply) up to this many times, within `writeBudgetMs`,
 * before giving up with RetryableError. Sized for a burst: 50 agents settling tasks of one
 * job at the same instant (e.g. a spot reclaim) all land within the budget.
 */
export const maxWriteAttempts = 40;
export const writeBudgetMs = 10_000;

export class DynamoTable {
  constructor(
    readonly doc: DynamoDBDocumentClient, readonly tableName: string,
    /** Waits between lost races (injected in tests that provoke endless conflicts). */
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async get<T>(key: Key, what: string, fromItem: (item: Item) => T = (i) => i as T): Promise<T | undefined> {
    try {
      const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      return r.Item ? fromItem(stripKeys(r.Item)) : undefined;
    } catch (err) { throw mapSdkError(err, what); }
  }

  /** Put; with `ifAbsent` fails (returns false) when the key exists. */
  async put(item: Item, what: string, opts: { ifAbsent?: boolean; condition?: string; values?: Item; names?: Record<string, string> } = {}): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({
        TableName: this.tableName,
        Item: item,
        ...(opts.ifAbsent ? { ConditionExpression: "attribute_not_exists(pk)" } : {}),
        ...(opts.condition ? { ConditionExpression: opts.condition, ExpressionAttributeValues: opts.values } : {}),
        ...(opts.names ? { ExpressionAttributeNames: opts.names } : {}),
      }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw mapSdkError(err, what);
    }
  }

  async query<T>(
    input: Omit<QueryCommandInput, "TableName">, what: string, page: { limit: number; cursor?: string },
    fromItem: (item: Item) => T = (i) => i as T,
  ): Promise<Page<T>> {
    const start = page.cursor ? decodeCursor(page.cursor) : undefined;
    // A cursor from another partition (another client's list) is refused, not followed.
    const partitionAttr = input.IndexName ? `${input.IndexName}pk` : "pk";
    if (start && start[partitionAttr] !== input.ExpressionAttributeValues?.[":pk"]) {
      throw new ValidationError("cursor", "does not belong to this query");
    }
    // A hand-made one must still be a key DynamoDB accepts: exactly this index's key attributes, as strings.
    if (start && !isStartKey(start, input.IndexName)) throw new ValidationError("cursor", "not a cursor this API returned");
    try {
      const r = await this.doc.send(new QueryCommand({
        TableName: this.tableName, ...input, Limit: page.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }));
      const items = (r.Items ?? []).map((i) => fromItem(stripKeys(i)));
      return r.LastEvaluatedKey ? { items, cursor: encodeCursor(r.LastEvaluatedKey) } : { items };
    } catch (err) {
      // A well-formed key outside this query's key condition (a hand-made or stale cursor): the caller's mistake.
      if (start && (err as { name?: string }).name === "ValidationException") {
        throw new ValidationError("cursor", "not a cursor this API returned for this query", { cause: err });
      }
      throw mapSdkError(err, what);
    }
  }

  /** Every page (for the planner snapshot: a few 1 MB pages, not one row per frame). */
  async queryAll<T>(input: Omit<QueryCommandInput, "TableName">, what: string, fromItem: (item: Item) => T = (i) => i as T): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.query<T>(input, what, { limit: 1000, ...(cursor ? { cursor } : {}) }, fromItem);
      out.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    return out;
  }

  /**
   * Optimistic read-modify-write of a versioned record. `toItem` adds keys/index attributes.
   * The write is conditional on the version read, so concurrent writers never lose an update.
   */
  async update<T extends { version: number }, R>(
    key: Key, what: string, mutate: Mutation<T, R>, toItem: (record: T) => Item,
    fromItem: (item: Item) => T = (i) => i as T,
  ): Promise<{ record: T; result: R }> {
    const started = Date.now();
    for (let attempt = 0; attempt < maxWriteAttempts && Date.now() - started < writeBudgetMs; attempt++) {
      const current = await this.get<T>(key, what, fromItem);
      if (!current) throw new NotFoundError(what, key.pk.replace(/^[A-Z]+#/, ""));
      const { next, result } = mutate(current);
      if (next === null) return { record: current, result };
      const written = { ...next, version: current.version + 1 };
      const ok = await this.put(toItem(written), what, { condition: "version = :v", values: { ":v": current.version } });
      if (ok) return { record: written, result };
      await this.sleep(backoffMs(attempt));
    }
    throw new RetryableError(`${what}: too many concurrent updates; retry`);
  }
}

function backoffMs(attempt: number): number {
  // Full jitter, exponential from 4 ms, capped at 200 ms: spreads a burst of writers out
  // without leaving a lone loser waiting long.
  return Math.random() * Math.min(200, 4 * 2 ** attempt);
}

export function stripKeys(item: Item): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!keyAttrs.includes(k)) out[k] = v;
  return out;
}

/** Sort keys are at most 1,024 bytes in DynamoDB; ours are far shorter. */
const maxKeyBytes = 1024;

function isStartKey(key: Record<string, unknown>, index: string | undefined): boolean {
  const want = index ? ["pk", "sk", `${index}pk`, `${index}sk`] : ["pk", "sk"];
  const have = Object.keys(key);
  return have.length === want.length && want.every((a) => {
    const v = key[a];
    return typeof v === "string" && v.length > 0 && Buffer.byteLength(v) <= maxKeyBytes;
  });
}

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (v && typeof v === "object" && !Array.isArray(v)) return v;
  } catch { /* fall through */ }
  throw new ValidationError("cursor", "not a cursor this API returned");
}
