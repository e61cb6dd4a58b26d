// Reading ASL against the catalog: what the stack can wire passes, anything else is a synth-time error that names
// the file and the state.
import { describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../catalog/functions';
import { analyseDefinition, placeholdersIn, WorkflowDefinitionError } from '../../catalog/workflows';

const spec = (id: string): FunctionSpec => ({
  id,
  entry: `functions/${id}/handler.ts`,
  description: id,
  tables: {},
  capabilities: [],
});
const catalog = [spec('ReserveStock'), spec('AwaitShipment')];

const asl = (states: Record<string, unknown>) =>
  JSON.stringify({ StartAt: Object.keys(states)[0], States: states });

describe('analyseDefinition', () => {
  it('returns the catalog functions a definition invokes, directly or through lambda:invoke', () => {
    const text = asl({
      ReserveStock: { Type: 'Task', Resource: '${ReserveStockFunctionArn}', Next: 'WaitForShipment' },
      WaitForShipment: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: '${AwaitShipmentFunctionArn}', 'Payload.$': '$' },
        TimeoutSeconds: 60,
        End: true,
      },
    });

    const result = analyseDefinition('order.asl.json', text, catalog);

    expect(result.placeholders).toEqual(['AwaitShipmentFunctionArn', 'ReserveStockFunctionArn']);
    expect(result.functions.map((fn) => fn.id)).toEqual(['AwaitShipment', 'ReserveStock']);
  });

  it('rejects a placeholder that names no catalog function', () => {
    const text = asl({ Ship: { Type: 'Task', Resource: '${ShipParcelFunctionArn}', End: true } });

    expect(() => analyseDefinition('order.asl.json', text, catalog)).toThrow(WorkflowDefinitionError);
    expect(() => analyseDefinition('order.asl.json', text, catalog)).toThrow(/\$\{ShipParcelFunctionArn\}/);
  });

  it('rejects a Task the stack grants nothing for, also inside a Parallel branch', () => {
    const text = asl({
      Fanout: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'Notify',
            States: {
              Notify: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: {}, End: true },
            },
          },
        ],
        End: true,
      },
    });

    expect(() => analyseDefinition('order.asl.json', text, catalog)).toThrow(
      /Task Fanout\[0\]\/Notify uses "arn:aws:states:::sns:publish"/,
    );
  });

  it('rejects a file that is not JSON', () => {
    expect(() => analyseDefinition('order.asl.json', '{', catalog)).toThrow(/order.asl.json: not valid JSON/);
  });
});

describe('placeholdersIn', () => {
  it('lists each placeholder once, sorted', () => {
    expect(placeholdersIn('${B} ${A} ${B}')).toEqual(['A', 'B']);
  });
});
