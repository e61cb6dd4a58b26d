// The functions of catalog/functions.ts that consume a table's stream (`stream`), each through an event source
// mapping: records in batches from the oldest kept (TRIM_HORIZON, so nothing written while the mapping is being
// created or disabled is skipped), only the writes the function acts on (the order item's inserts and
// modifications), failed records reported one by one (`reportBatchItemFailures`), a failing batch bisected, bounded
// retries, and what still fails described in a dead-letter queue of its own that the ops alarms watch. The
// function's role reads that one stream (order-functions.ts) and may send to that one queue.
import { Duration } from 'aws-cdk-lib';
import {
  EventSourceMapping,
  FilterCriteria,
  FilterRule,
  StartingPosition,
  type IEventSourceMapping,
} from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../../catalog/functions';
import { acknowledge } from '../nag';
import type { OrderFunctions } from './order-functions';
import type { Storage } from './storage';

export interface StreamConsumersProps {
  catalog: readonly FunctionSpec[];
  functions: OrderFunctions;
  storage: Storage;
}

export class StreamConsumers extends Construct {
  readonly mappings = new Map<string, IEventSourceMapping>();
  /** Per consuming function: the queue that receives what its mapping gave up on (a record's position, no data). */
  readonly deadLetters = new Map<string, Queue>();

  constructor(scope: Construct, id: string, props: StreamConsumersProps) {
    super(scope, id);
    for (const spec of props.catalog) {
      if (!spec.stream) continue;
      const source = spec.stream;
      const table = props.storage.table(source.table);
      if (!table.tableStreamArn) throw new Error(`${spec.id}: table ${source.table} has no stream`);
      const deadLetters = new Queue(this, `${spec.id}DeadLetters`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      acknowledge(
        deadLetters,
        'AwsSolutions-SQS3',
        'This queue is itself the on-failure destination of a stream event source mapping.',
      );
      const mapping = new EventSourceMapping(this, spec.id, {
        target: props.functions.get(spec.id),
        eventSourceArn: table.tableStreamArn,
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: source.batchSize,
        bisectBatchOnError: true,
        retryAttempts: source.retryAttempts,
        maxRecordAge: Duration.hours(source.maxRecordAgeHours),
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(deadLetters),
        // Only the order item's writes (not its returns, sandbox records or leases), and no removals.
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { Keys: { sk: { S: FilterRule.isEqual('ORDER') as unknown } } },
          }),
        ],
      });
      this.mappings.set(spec.id, mapping);
      this.deadLetters.set(spec.id, deadLetters);
    }
  }
}
