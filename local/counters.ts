// What AWS would bill for the local run: state transitions, Lambda invocations and duration, DynamoDB capacity,
// messages. The benchmarks read these; nothing in the engine depends on them.

export interface CounterSnapshot {
  stateTransitions: number;
  lambdaInvocations: number;
  lambdaMilliseconds: number;
  lambdaByFunction: Record<string, { invocations: number; milliseconds: number }>;
  dynamoReads: number;
  dynamoWrites: number;
  dynamoReadUnits: number;
  dynamoWriteUnits: number;
  emails: number;
  sms: number;
  snsPublishes: number;
  apiCalls: number;
  executionsStarted: number;
}

const readCommands = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);
const writeCommands = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
]);

export class Counters {
  private values: CounterSnapshot = Counters.empty();

  static empty(): CounterSnapshot {
    return {
      stateTransitions: 0,
      lambdaInvocations: 0,
      lambdaMilliseconds: 0,
      lambdaByFunction: {},
      dynamoReads: 0,
      dynamoWrites: 0,
      dynamoReadUnits: 0,
      dynamoWriteUnits: 0,
      emails: 0,
      sms: 0,
      snsPublishes: 0,
      apiCalls: 0,
      executionsStarted: 0,
    };
  }

  snapshot(): CounterSnapshot {
    return structuredClone(this.values);
  }

  reset(): void {
    this.values = Counters.empty();
  }

  transition(): void {
    this.values.stateTransitions += 1;
  }

  lambda(functionId: string, milliseconds: number): void {
    this.values.lambdaInvocations += 1;
    this.values.lambdaMilliseconds += milliseconds;
    const entry = (this.values.lambdaByFunction[functionId] ??= { invocations: 0, milliseconds: 0 });
    entry.invocations += 1;
    entry.milliseconds += milliseconds;
  }

  dynamo(commandName: string, capacityUnits: number): void {
    if (readCommands.has(commandName)) {
      this.values.dynamoReads += 1;
      this.values.dynamoReadUnits += capacityUnits;
    } else if (writeCommands.has(commandName)) {
      this.values.dynamoWrites += 1;
      this.values.dynamoWriteUnits += capacityUnits;
    }
  }

  email(): void {
    this.values.emails += 1;
  }

  smsMessage(): void {
    this.values.sms += 1;
  }

  snsPublish(): void {
    this.values.snsPublishes += 1;
  }

  apiCall(): void {
    this.values.apiCalls += 1;
  }

  executionStarted(): void {
    this.values.executionsStarted += 1;
  }
}
