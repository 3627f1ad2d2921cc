/**
 * Nodes: `NODE#<id>` / `NODE`; gsi1 `NODES` / `<id>` lists them all for the planner. The node's
 * inbox entries are items of its partition (`INBOX#<kind>#<token>`), so the planner adds them
 * in batched puts without reading the node, and a poll reads node and inbox in one Query.
 */
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { InboxEntry, NodeRecord } from "../../service/model.ts";
import type { Mutation, NodeStore } from "../../service/ports.ts";
import { mapSdkError } from "./dynamo-errors.ts";
import { stripKeys, type DynamoTable, type Item } from "./dynamo-table.ts";

const key = (id: string) => ({ pk: `NODE#${id}`, sk: "NODE" });
const inboxKey = (nodeId: string, e: Pick<InboxEntry, "kind" | "token">) => ({ pk: `NODE#${nodeId}`, sk: `INBOX#${e.kind}#${e.token}` });
const nodeItem = (n: NodeRecord): Item => ({ ...key(n.id), ...n, gsi1pk: "NODES", gsi1sk: n.id });
/** Inbox entries nobody collects (a node that never polls again) expire (real DynamoDB only). */
const inboxTtlSec = 7 * 86400;

export class DynamoNodeStore implements NodeStore {
  constructor(private readonly table: DynamoTable) {}

  get(id: string): Promise<NodeRecord | undefined> {
    return this.table.get<NodeRecord>(key(id), "node");
  }

  async getWithInbox(id: string): Promise<{ node: NodeRecord; inbox: InboxEntry[] } | undefined> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    try {
      do {
        const r = await this.table.doc.send(new QueryCommand({
          TableName: this.table.tableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": `NODE#${id}` },
          ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}),
        }));
        items.push(...(r.Items ?? []));
        start = r.LastEvaluatedKey;
      } while (start);
    } catch (err) { throw mapSdkError(err, "node"); }
    const node = items.find((i) => i.sk === "NODE");
    if (!node) return undefined;
    const inbox = items.filter((i) => String(i.sk).startsWith("INBOX#")).map((i) => stripKeys(i) as unknown as InboxEntry);
    return { node: stripKeys(node) as unknown as NodeRecord, inbox };
  }

  async deliver(entries: (InboxEntry & { nodeId: string })[]): Promise<void> {
    // Spread, not rest: building 10,000 entries with `({ nodeId, ...e })` cost 4× the CPU.
    await this.table.batchWrite(entries.map((e) => ({ ...e, ...inboxKey(e.nodeId, e), ttl: Math.floor(e.at / 1000) + inboxTtlSec })), [], "node inbox");
  }

  async dropInbox(entries: (Pick<InboxEntry, "kind" | "token"> & { nodeId: string })[]): Promise<void> {
    await this.table.batchWrite([], entries.map((e) => inboxKey(e.nodeId, e)), "node inbox");
  }

  async touch(id: string, fields: Partial<Omit<NodeRecord, "id" | "version">>, remove: (keyof NodeRecord)[] = []): Promise<void> {
    const names: Record<string, string> = { "#v": "version" };
    const values: Record<string, unknown> = { ":one": 1 };
    const sets: string[] = [];
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      names[`#${k}`] = k; values[`:${k}`] = v; sets.push(`#${k} = :${k}`);
    }
    for (const k of remove) names[`#${k}`] = k;
    try {
      await this.table.doc.send(new UpdateCommand({
        TableName: this.table.tableName, Key: key(id), ConditionExpression: "attribute_exists(pk)",
        UpdateExpression: [sets.length > 0 ? `SET ${sets.join(", ")}` : "", remove.length > 0 ? `REMOVE ${remove.map((k) => `#${k}`).join(", ")}` : "", "ADD #v :one"].filter(Boolean).join(" "),
        ExpressionAttributeNames: names, ExpressionAttributeValues: values,
      }));
    } catch (err) { throw mapSdkError(err, "node"); }
  }

  async put(node: NodeRecord): Promise<void> {
    await this.table.put(nodeItem(node), "node");
  }

  async update<R>(id: string, mutate: Mutation<NodeRecord, R>): Promise<{ node: NodeRecord; result: R }> {
    const { record, result } = await this.table.update(key(id), "node", mutate, nodeItem);
    return { node: record, result };
  }

  list(): Promise<NodeRecord[]> {
    return this.table.queryAll<NodeRecord>({
      IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk", ExpressionAttributeValues: { ":pk": "NODES" },
    }, "nodes");
  }
}
