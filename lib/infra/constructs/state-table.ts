/**
 * The one DynamoDB table, keyed exactly as lib/adapters/aws/table-schema.ts (shared with the
 * local harness) so tests and the cloud use the same design.
 */
import { RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, BillingMode, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import { tableKeys } from "../../adapters/aws/table-schema.ts";

export interface StateTableProps {
  readonly tableName?: string;
  /** Default RETAIN: farm state outlives a stack mistake. */
  readonly removalPolicy?: RemovalPolicy;
}

export class StateTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: StateTableProps = {}) {
    super(scope, id);
    const s = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, "Table", {
      ...(props.tableName ? { tableName: props.tableName } : {}),
      partitionKey: s(tableKeys.partitionKey),
      sortKey: s(tableKeys.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: tableKeys.ttlAttribute,
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const ix of tableKeys.indexes) {
      this.table.addGlobalSecondaryIndex({ indexName: ix.name, partitionKey: s(ix.partitionKey), sortKey: s(ix.sortKey) });
    }
  }
}
