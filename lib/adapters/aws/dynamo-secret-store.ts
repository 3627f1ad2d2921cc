/** Registration secrets (hashes only): `SECRET#<id>` / `SECRET`; gsi1 `SECRETS` / `<id>` lists them. */
import { ConflictError } from "../../service/errors.ts";
import type { RegistrationSecretRecord } from "../../service/model.ts";
import type { Mutation, RegistrationSecretStore } from "../../service/ports.ts";
import type { DynamoTable, Item } from "./dynamo-table.ts";

const key = (id: string) => ({ pk: `SECRET#${id}`, sk: "SECRET" });
const secretItem = (s: RegistrationSecretRecord): Item => ({ ...key(s.id), ...s, gsi1pk: "SECRETS", gsi1sk: s.id });

export class DynamoSecretStore implements RegistrationSecretStore {
  constructor(private readonly table: DynamoTable) {}

  async create(secret: RegistrationSecretRecord): Promise<void> {
    if (!(await this.table.put(secretItem(secret), "registration secret", { ifAbsent: true }))) {
      throw new ConflictError(`registration secret ${secret.id} already exists`);
    }
  }

  get(id: string): Promise<RegistrationSecretRecord | undefined> {
    return this.table.get<RegistrationSecretRecord>(key(id), "registration secret");
  }

  async update<R>(id: string, mutate: Mutation<RegistrationSecretRecord, R>): Promise<{ secret: RegistrationSecretRecord; result: R }> {
    const { record, result } = await this.table.update(key(id), "registration secret", mutate, secretItem);
    return { secret: record, result };
  }

  list(): Promise<RegistrationSecretRecord[]> {
    return this.table.queryAll<RegistrationSecretRecord>({
      IndexName: "gsi1", KeyConditionExpression: "gsi1pk = :pk", ExpressionAttributeValues: { ":pk": "SECRETS" },
    }, "registration secrets");
  }
}
