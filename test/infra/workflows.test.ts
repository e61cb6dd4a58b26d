// The state machines run the very ASL files in statemachines/: every placeholder is substituted with a Lambda of
// the stack, and the role may invoke exactly those Lambdas.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arnPlaceholder, functionCatalog } from '../../catalog/functions';
import { projectPath } from '../../catalog/paths';
import { loadWorkflowDefinitions, placeholdersIn } from '../../catalog/workflows';
import { logicalId, synthesize, type Synthesized } from './synth';
import { actionsOf, referencedIds, statementsOfRole } from './template-queries';

const definitions = loadWorkflowDefinitions(projectPath('statemachines'), functionCatalog);

let dev: Synthesized;

beforeAll(() => {
  dev = synthesize('dev');
});

afterAll(() => dev?.cleanup());

describe.each(definitions.map((definition) => [definition.id, definition] as const))(
  'the %s workflow',
  (id, definition) => {
    const machine = () => {
      const stateMachine = dev.stack.workflows.stateMachines.get(id)!;
      const resource = dev.json.Resources[logicalId(dev.stack, stateMachine)]!;
      return { stateMachine, properties: resource.Properties as Record<string, unknown> };
    };
    const functionIdOf = (catalogId: string) =>
      logicalId(dev.stack, dev.stack.functions.orderFunction(catalogId).function);

    it('substitutes every ${...} placeholder of its ASL file with the ARN of that catalog Lambda', () => {
      const placeholders = placeholdersIn(readFileSync(definition.file, 'utf8'));
      const substitutions = machine().properties.DefinitionSubstitutions as Record<string, unknown>;
      expect(Object.keys(substitutions).sort()).toEqual(placeholders);
      for (const placeholder of placeholders) {
        const spec = functionCatalog.find((candidate) => arnPlaceholder(candidate) === placeholder);
        expect(spec, `${placeholder} names a catalog function`).toBeDefined();
        const functionId = functionIdOf(spec!.id);
        expect(dev.json.Resources[functionId]?.Type).toBe('AWS::Lambda::Function');
        expect(substitutions[placeholder]).toEqual({ 'Fn::GetAtt': [functionId, 'Arn'] });
      }
    });

    it('loads the definition from the file as an asset, not a copy in the template', () => {
      expect(machine().properties).toHaveProperty('DefinitionS3Location');
      expect(machine().properties).not.toHaveProperty('DefinitionString');
    });

    it('is a Standard workflow with X-Ray and error-only logs without execution data', () => {
      expect(machine().properties).toMatchObject({
        StateMachineType: 'STANDARD',
        StateMachineName: `Orderflow-dev-${id}`,
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
      });
    });

    it('may invoke exactly the Lambdas its definition names', () => {
      const roleId = logicalId(dev.stack, machine().stateMachine.role);
      const invoke = statementsOfRole(dev.json.Resources, roleId).filter((statement) =>
        actionsOf(statement).includes('lambda:InvokeFunction'),
      );
      expect(invoke).toHaveLength(1);
      for (const statement of statementsOfRole(dev.json.Resources, roleId)) {
        expect(actionsOf(statement).filter((action) => action.includes('*'))).toEqual([]);
      }
      expect(actionsOf(invoke[0]!)).toEqual(['lambda:InvokeFunction']);
      expect([...referencedIds(invoke[0]!.Resource)].sort()).toEqual(
        definition.functions.map((spec) => functionIdOf(spec.id)).sort(),
      );
    });
  },
);
