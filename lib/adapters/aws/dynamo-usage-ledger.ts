/**
 * Usage per client per day: `USAGE#<clientId>` / `DAY#<yyyy-mm-dd>`, counters incremented with
 * ADD (atomic, no read), so concurrent completions never lose an increment.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { UsageDay, UsageDelta } from "../../service/model.ts";
import type { UsageLedger } from "../../service/ports.ts";
import { mapSdkError } from "./dynamo-errors.ts";
import type { DynamoTable } from "./dynamo-table.ts";

const fields: (keyof UsageDelta)[] = ["onpremNodeHours", "cloudNodeHours", "cloudCost", "energyKWh", "energyCost", "tasks"];

export class DynamoUsageLedger implements UsageLedger {
  constructor(private readonly table: DynamoTable) {}

  async add(clientId: string, day: string, delta: UsageDelta): Promise<void> {
    const values: Record<string, unknown> = { ":c": clientId, ":d": day };
    fields.forEach((f, i) => { values[`:v${i}`] = delta[f]; });
    try {
      await this.table.doc.send(new UpdateCommand({
        TableName: this.table.tableName,
        Key: { pk: `USAGE#${clientId}`, sk: `DAY#${day}` },
        UpdateExpression: `SET clientId = :c, #day = :d ADD ${fields.map((f, i) => `${f} :v${i}`).join(", ")}`,
        ExpressionAttributeNames: { "#day": "day" },
        ExpressionAttributeValues: values,
      }));
    } catch (err) { throw mapSdkError(err, "usage"); }
  }

  async days(clientId: string, fromDay: string, toDay: string): Promise<UsageDay[]> {
    return this.table.queryAll<UsageDay>({
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ExpressionAttributeValues: { ":pk": `USAGE#${clientId}`, ":from": `DAY#${fromDay}`, ":to": `DAY#${toDay}` },
    }, "usage");
  }
}
