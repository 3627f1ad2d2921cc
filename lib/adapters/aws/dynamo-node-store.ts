/** Nodes: `NODE#<id>` / `NODE`; gsi1 `NODES` / `<id>` lists them all for the planner. */
import type { NodeRecord } from "../../service/model.ts";
import type { Mutation, NodeStore } from "../../service/ports.ts";
import type { DynamoTable, Item } from "./dynamo-table.ts";

const key = (id: string) => ({ pk: `NODE#${id}`, sk: "NODE" });
const nodeItem = (n: NodeRecord): Item => ({ ...key(n.id), ...n, gsi1pk: "NODES", gsi1sk: n.id });

export class DynamoNodeStore implements NodeStore {
  constructor(private readonly table: DynamoTable) {}

  get(id: string): Promise<NodeRecord | undefined> {
    return this.table.get<NodeRecord>(key(id), "node");
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

  list(): Promise<NodeRecord[]> {
    return this.table.queryAll<NodeRecord>({
      IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk", ExpressionAttributeValues: { ":pk": "NODES" },
    }, "nodes");
  }
}
