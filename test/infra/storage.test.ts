// The tables are built from catalog/tables.ts (the local engine's definitions), and prod keeps and protects its data.
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableSpecs } from '../../catalog/tables';
import { synthesize, type Synthesized } from './synth';
import { resourcesOfType } from './template-queries';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synthesize('dev');
  prod = synthesize('prod');
});

afterAll(() => {
  dev?.cleanup();
  prod?.cleanup();
});

describe.each(tableSpecs.map((spec) => [spec.id, spec] as const))('the %s table', (_, spec) => {
  it('has the keys, indexes (with their projections) and TTL attribute of its spec, on demand and encrypted', () => {
    const keySchema = [
      { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
      ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' }] : []),
    ];
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: keySchema,
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: spec.globalSecondaryIndexes.length
        ? spec.globalSecondaryIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
              ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
            ],
            Projection: index.include
              ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] }
              : { ProjectionType: 'ALL' },
          }))
        : Match.absent(),
      TimeToLiveSpecification: spec.timeToLiveAttribute
        ? { AttributeName: spec.timeToLiveAttribute, Enabled: true }
        : Match.absent(),
    });
  });
});

describe('data protection', () => {
  it('retains prod tables, with point-in-time recovery and deletion protection', () => {
    const tables = resourcesOfType(prod.json.Resources, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(tableSpecs.length);
    for (const [, table] of tables) {
      expect(table).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        },
      });
    }
  });

  it('retains every prod key, secret and log group too', () => {
    for (const type of ['AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup']) {
      for (const [id, resource] of resourcesOfType(prod.json.Resources, type)) {
        expect(resource.DeletionPolicy, id).toBe('Retain');
      }
    }
  });

  it('lets dev data go with the stack', () => {
    for (const [, table] of resourcesOfType(dev.json.Resources, 'AWS::DynamoDB::Table')) {
      expect(table).toMatchObject({
        DeletionPolicy: 'Delete',
        Properties: { DeletionProtectionEnabled: false },
      });
    }
  });
});
