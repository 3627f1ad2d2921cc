/** Clients: `CLIENT#<id>` / `CLIENT`; gsi1 `CLIENTS` / `<id>`. */
import { ConflictError } from "../../service/errors.ts";
import type { ClientRecord } from "../../service/model.ts";
import type { ClientStore, Mutation } from "../../service/ports.ts";
import type { DynamoTable, Item } from "./dynamo-table.ts";

const key = (id: string) => ({ pk: `CLIENT#${id}`, sk: "CLIENT" });
const clientItem = (c: ClientRecord): Item => ({ ...key(c.id), ...c, gsi1pk: "CLIENTS", gsi1sk: c.id });

export class DynamoClientStore implements ClientStore {
  constructor(private readonly table: DynamoTable) {}

  get(id: string): Promise<ClientRecord | undefined> {
    return this.table.get<ClientRecord>(key(id), "client");
  }

  async create(client: ClientRecord): Promise<void> {
    const ok = await this.table.put(clientItem(client), "client", { ifAbsent: true });
    if (!ok) throw new ConflictError(`client ${client.id} already exists`, await this.get(client.id));
  }

  async update<R>(id: string, mutate: Mutation<ClientRecord, R>): Promise<{ client: ClientRecord; result: R }> {
    const { record, result } = await this.table.update(key(id), "client", mutate, clientItem);
    return { client: record, result };
  }

  list(): Promise<ClientRecord[]> {
    return this.table.queryAll<ClientRecord>({
      IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk", ExpressionAttributeValues: { ":pk": "CLIENTS" },
    }, "clients");
  }
}
