// DynamoDB tables built from catalog/tables.ts, the definitions the local engine creates its tables from, so the two
// cannot drift. On demand, encrypted with the AWS managed key, TTL where the spec names one; retention, point-in-time
// recovery and deletion protection come from the stage. Grants are what a function really calls: the item actions
// the catalog names on the table, and Query on the indexes it names (no `*`, no Scan, no Delete, no batches).
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { TableAccess } from '../../catalog/functions';
import { acknowledge } from '../nag';
import type { KeyAttribute, TableSpec } from '../../catalog/tables';

export interface StorageProps {
  specs: readonly TableSpec[];
  retain: boolean;
  pointInTimeRecovery: boolean;
  deletionProtection: boolean;
}

export type TableId = TableSpec['id'];

const attribute = (key: KeyAttribute) => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

export class Storage extends Construct {
  private readonly tables = new Map<TableId, { table: Table; spec: TableSpec }>();

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    for (const spec of props.specs) {
      const table = new Table(this, spec.id, {
        partitionKey: attribute(spec.partitionKey),
        ...(spec.sortKey ? { sortKey: attribute(spec.sortKey) } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        encryption: TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery },
        deletionProtection: props.deletionProtection,
        removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        ...(spec.timeToLiveAttribute ? { timeToLiveAttribute: spec.timeToLiveAttribute } : {}),
        ...(spec.stream ? { stream: StreamViewType[spec.stream] } : {}),
      });
      for (const index of spec.globalSecondaryIndexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
          ...(index.include
            ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] }
            : { projectionType: ProjectionType.ALL }),
        });
      }
      if (!props.pointInTimeRecovery) {
        acknowledge(
          table,
          'AwsSolutions-DDB3',
          'Point-in-time recovery is a stage setting: on in staging and prod; off in dev, whose data is ' +
            'disposable test data and is deleted with the stack.',
        );
      }
      this.tables.set(spec.id, { table, spec });
    }
  }

  table(id: TableId): Table {
    return this.entry(id).table;
  }

  /** Exactly the item actions of `access` on the table, and Query on exactly the indexes it names. */
  grant(role: IRole, id: TableId, access: TableAccess): void {
    const { table, spec } = this.entry(id);
    if (access.actions.length > 0) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [...new Set(access.actions)].map((action) => `dynamodb:${action}`),
          resources: [table.tableArn],
        }),
      );
    }
    const queries = access.queries ?? [];
    for (const name of queries) {
      if (!spec.globalSecondaryIndexes.some((index) => index.indexName === name)) {
        throw new Error(`table ${id} has no index ${name} (catalog/tables.ts)`);
      }
    }
    if (queries.length > 0) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: queries.map((name) => `${table.tableArn}/index/${name}`),
        }),
      );
    }
  }

  /**
   * Reads the table's stream, as an event source mapping does for its function: the four actions Lambda checks
   * when the mapping is created, on this table's stream ARN only (ListStreams included, so nothing is on `*`).
   */
  grantStreamRead(role: IRole, id: TableId): void {
    const { table } = this.entry(id);
    if (!table.tableStreamArn) throw new Error(`table ${id} has no stream (catalog/tables.ts)`);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [table.tableStreamArn],
      }),
    );
  }

  private entry(id: TableId): { table: Table; spec: TableSpec } {
    const entry = this.tables.get(id);
    if (!entry) throw new Error(`no table ${id} in catalog/tables.ts`);
    return entry;
  }
}
