/**
 * Nodes: `NODE#<id>` / `NODE`; gsi1 `NODES` / `<id>` lists them all for the planner. The node's
 * inbox entries are items of its partition (`INBOX#<kind>#<token>`, on gsi1 right after their
 * node), so the planner adds them in batched puts without reading the node, and a poll reads
 * node and inbox in one Query. Writing a node record never touches its inbox items.
 */
import { QueryCommand, UpdateCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { InboxEntry, NodeRecord } from "../../service/model.ts";
import type { Mutation, NodeStore } from "../../service/ports.ts";
import { mapSdkError } from "./dynamo-errors.ts";
import { stripKeys, type DynamoTable, type Item } from "./dynamo-table.ts";

const key = (id: string) => ({ pk: `NODE#${id}`, sk: "NODE" });
const inboxKey = (nodeId: string, e: Pick<InboxEntry, "kind" | "token">) => ({ pk: `NODE#${nodeId}`, sk: `INBOX#${e.kind}#${e.token}` });
function nodeItem(n: NodeRecord): Item {
  const { inbox: _inbox, ...rest } = n;
  return { ...key(n.id), ...rest, gsi1pk: "NODES", gsi1sk: n.id };
}

/** Node and inbox items in key order (each node's entries follow it) → records with their inbox. */
function group(items: Item[]): NodeRecord[] {
  const out: NodeRecord[] = [];
  const byId = new Map<string, NodeRecord>();
  const orphans: [string, InboxEntry][] = [];
  for (const it of items) {
    const nodeId = String(it.pk).slice("NODE#".length);
    if (it.sk === "NODE") {
      const n = { ...(stripKeys(it) as unknown as NodeRecord), inbox: [] as InboxEntry[] };
      byId.set(nodeId, n);
      out.push(n);
    } else if (String(it.sk).startsWith("INBOX#")) {
      const { nodeId: _n, ...e } = stripKeys(it) as unknown as InboxEntry & { nodeId?: string };
      orphans.push([nodeId, e]);
    }
  }
  for (const [nodeId, e] of orphans) byId.get(nodeId)?.inbox.push(e);
  return out;
}
/** Inbox entries nobody collects (a node that never polls again) expire (real DynamoDB only). */
const inboxTtlSec = 7 * 86400;

export class DynamoNodeStore implements NodeStore {
  constructor(private readonly table: DynamoTable) {}

  async get(id: string): Promise<NodeRecord | undefined> {
    return group(await this.queryItems({ KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": `NODE#${id}` }, ConsistentRead: true }))[0];
  }

  async deliver(entries: (InboxEntry & { nodeId: string })[]): Promise<void> {
    // Spread, not rest: building 10,000 entries with `({ nodeId, ...e })` cost 4× the CPU.
    await this.table.batchWrite(entries.map((e) => ({
      ...e, ...inboxKey(e.nodeId, e), gsi1pk: "NODES", gsi1sk: `${e.nodeId}#INBOX#${e.kind}#${e.token}`, ttl: Math.floor(e.at / 1000) + inboxTtlSec,
    })), [], "node inbox");
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

  create(node: NodeRecord): Promise<boolean> {
    return this.table.put(nodeItem(node), "node", { ifAbsent: true });
  }

  async update<R>(id: string, mutate: Mutation<NodeRecord, R>): Promise<{ node: NodeRecord; result: R }> {
    const { record, result } = await this.table.update(key(id), "node", mutate, nodeItem);
    return { node: record, result };
  }

  async list(): Promise<NodeRecord[]> {
    return group(await this.queryItems({ IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk", ExpressionAttributeValues: { ":pk": "NODES" } }));
  }

  private async queryItems(input: Omit<QueryCommandInput, "TableName">): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    try {
      do {
        const r = await this.table.doc.send(new QueryCommand({ TableName: this.table.tableName, ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
        items.push(...(r.Items ?? []));
        start = r.LastEvaluatedKey;
      } while (start);
    } catch (err) { throw mapSdkError(err, "nodes"); }
    return items;
  }
}
