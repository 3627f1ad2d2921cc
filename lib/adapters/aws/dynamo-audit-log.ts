/**
 * Audit events, append-only, one item each:
 *   pk `AUDIT#<clientId|_farm>` / sk `<at>#<id>`        by client and time range
 *   gsi1 `AUDITJOB#<jobId>` / `<at>#<id>`                by job
 *   gsi2 `AUDITMONTH#<yyyy-mm>` / `<at>#<id>`            farm-wide by time (one partition per month)
 * Events expire after `retentionDays` (TTL on real DynamoDB).
 */
import type { AuditEvent } from "../../service/model.ts";
import type { AuditLog, AuditQuery, Page } from "../../service/ports.ts";
import { ValidationError } from "../../service/errors.ts";
import { decodeCursor, encodeCursor, type DynamoTable } from "./dynamo-table.ts";

const retentionDays = 400;
const pad = (at: number) => String(at).padStart(15, "0");
const month = (at: number) => new Date(at).toISOString().slice(0, 7);

export class DynamoAuditLog implements AuditLog {
  constructor(private readonly table: DynamoTable) {}

  async append(e: AuditEvent): Promise<void> {
    const sk = `${pad(e.at)}#${e.id}`;
    await this.table.put({
      pk: `AUDIT#${e.clientId ?? "_farm"}`, sk, ...e,
      ...(e.target.type === "job" ? { gsi1pk: `AUDITJOB#${e.target.id}`, gsi1sk: sk } : {}),
      gsi2pk: `AUDITMONTH#${month(e.at)}`, gsi2sk: sk,
      ttl: Math.floor(e.at / 1000) + retentionDays * 86400,
    }, "audit event");
  }

  async query(q: AuditQuery): Promise<Page<AuditEvent>> {
    const from = q.from ?? 0;
    const to = q.to ?? 8_640_000_000_000_000;
    const range = { ":from": pad(from), ":to": `${pad(to)}#~` };
    const filter = q.jobId && q.clientId ? { FilterExpression: "clientId = :c" } : {};
    const page = { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) };
    if (q.jobId) {
      return this.table.query<AuditEvent>({
        IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":pk": `AUDITJOB#${q.jobId}`, ...range, ...(q.clientId ? { ":c": q.clientId } : {}) },
        ...filter, ScanIndexForward: false,
      }, "audit", page);
    }
    if (q.clientId) {
      return this.table.query<AuditEvent>({
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":pk": `AUDIT#${q.clientId}`, ...range }, ScanIndexForward: false,
      }, "audit", page);
    }
    // Farm-wide walks month partitions, never past the retention horizon (older events have expired).
    return this.farmWide(q, range, Math.max(q.from ?? 0, to - retentionDays * 86_400_000), to);
  }

  /** Newest month first; the cursor remembers the month and the key within it. */
  private async farmWide(q: AuditQuery, range: Record<string, string>, from: number, to: number): Promise<Page<AuditEvent>> {
    // The caller bounds `to` (the use case defaults it to now), so this starts at a real month.
    const last = month(Math.min(to, 253_402_300_799_000));
    const first = month(from);
    const state = q.cursor ? monthCursor(decodeCursor(q.cursor), first, last) : { m: last };
    const items: AuditEvent[] = [];
    let m = state.m;
    let inner = state.c;
    while (items.length < q.limit && m >= first) {
      const page = await this.table.query<AuditEvent>({
        IndexName: "gsi2", KeyConditionExpression: "gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":pk": `AUDITMONTH#${m}`, ...range }, ScanIndexForward: false,
      }, "audit", { limit: q.limit - items.length, ...(inner ? { cursor: inner } : {}) });
      items.push(...page.items);
      if (page.cursor) return { items, cursor: encodeCursor({ m, c: page.cursor }) };
      m = previousMonth(m);
      inner = undefined;
    }
    return m >= first && items.length >= q.limit ? { items, cursor: encodeCursor({ m }) } : { items };
  }
}

/** A farm-wide cursor names a month inside the queried window (and maybe a key within it); anything else is refused. */
function monthCursor(c: Record<string, unknown>, first: string, last: string): { m: string; c?: string } {
  const ok = typeof c.m === "string" && /^\d{4}-(0[1-9]|1[0-2])$/.test(c.m) && c.m >= first && c.m <= last
    && (c.c === undefined || typeof c.c === "string") && Object.keys(c).every((k) => k === "m" || k === "c");
  if (!ok) throw new ValidationError("cursor", "not a cursor this API returned for this time window");
  return c.c === undefined ? { m: c.m as string } : { m: c.m as string, c: c.c as string };
}

function previousMonth(m: string): string {
  const [y, mo] = m.split("-").map(Number) as [number, number];
  return mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, "0")}`;
}
