// Reads the ASL files in statemachines/ (the same files the local engine runs) and works out what the stack must
// provide for each: a substitution per `${...}` placeholder and an invoke permission per Lambda it names. Anything
// the stack cannot wire is an error at synth time, with the file and state named, rather than a failed deploy.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { arnPlaceholder, type FunctionSpec } from './functions';

export interface WorkflowDefinition {
  /** PascalCase id from the file name: `order-fulfillment.asl.json` → `OrderFulfillment`. */
  id: string;
  /** Absolute path of the ASL file. */
  file: string;
  /** Every `${...}` placeholder in the file, sorted. */
  placeholders: string[];
  /** The catalog functions the definition invokes, by placeholder. */
  functions: FunctionSpec[];
}

export class WorkflowDefinitionError extends Error {
  override name = 'WorkflowDefinitionError';
}

const ASL_SUFFIX = '.asl.json';
/** The workflow every order runs; handlers start it through STATE_MACHINE_ARN. */
export const ORDER_WORKFLOW_ID = 'OrderFulfillment';
/** The return workflow (statemachines/order-return.asl.json), started once per return. */
export const RETURN_WORKFLOW_ID = 'OrderReturn';

const pascalCase = (kebab: string): string =>
  kebab
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

export const placeholdersIn = (text: string): string[] =>
  [...new Set([...text.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1]!))].sort();

interface AslState {
  Type?: string;
  Resource?: unknown;
  Parameters?: Record<string, unknown>;
  Branches?: { States?: Record<string, AslState> }[];
  Iterator?: { States?: Record<string, AslState> };
  ItemProcessor?: { States?: Record<string, AslState> };
}

/** Every Task state, also inside Parallel branches and Map processors, with its path for error messages. */
const tasksOf = (states: Record<string, AslState> | undefined, prefix = ''): [string, AslState][] =>
  Object.entries(states ?? {}).flatMap(([name, state]) => {
    const path = `${prefix}${name}`;
    const nested = [
      ...(state.Branches ?? []).flatMap((branch, i) => tasksOf(branch.States, `${path}[${i}]/`)),
      ...tasksOf(state.Iterator?.States, `${path}/`),
      ...tasksOf(state.ItemProcessor?.States, `${path}/`),
    ];
    return state.Type === 'Task' ? [[path, state] as [string, AslState], ...nested] : nested;
  });

const lambdaIntegrations = new Set([
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
]);

/** Checks one ASL document against the catalog and returns the functions it invokes. */
export const analyseDefinition = (
  file: string,
  text: string,
  catalog: readonly FunctionSpec[],
): Omit<WorkflowDefinition, 'id' | 'file'> => {
  const name = basename(file);
  let definition: { States?: Record<string, AslState> };
  try {
    definition = JSON.parse(text) as typeof definition;
  } catch (error) {
    throw new WorkflowDefinitionError(`${name}: not valid JSON (${(error as Error).message})`);
  }
  const byPlaceholder = new Map(catalog.map((spec) => [arnPlaceholder(spec), spec]));
  const placeholders = placeholdersIn(text);
  const unknown = placeholders.filter((placeholder) => !byPlaceholder.has(placeholder));
  if (unknown.length > 0) {
    throw new WorkflowDefinitionError(
      `${name}: no function in catalog/functions.ts for ${unknown.map((p) => '${' + p + '}').join(', ')} ` +
        `(placeholders are \${<Id>FunctionArn} of a catalog function)`,
    );
  }
  for (const [path, task] of tasksOf(definition.States)) {
    const resource = task.Resource;
    const direct = typeof resource === 'string' && /^\$\{[^}]+FunctionArn\}$/.test(resource);
    const viaIntegration =
      typeof resource === 'string' &&
      lambdaIntegrations.has(resource) &&
      typeof task.Parameters?.FunctionName === 'string' &&
      /^\$\{[^}]+FunctionArn\}$/.test(task.Parameters.FunctionName);
    if (!direct && !viaIntegration) {
      throw new WorkflowDefinitionError(
        `${name}: Task ${path} uses ${JSON.stringify(resource)}; the stack only grants invoking catalog ` +
          `Lambdas (\${<Id>FunctionArn}, or lambda:invoke[.waitForTaskToken] with FunctionName \${<Id>FunctionArn})`,
      );
    }
  }
  return { placeholders, functions: placeholders.map((placeholder) => byPlaceholder.get(placeholder)!) };
};

/** Every `*.asl.json` in `directory`, checked against the catalog. */
export const loadWorkflowDefinitions = (
  directory: string,
  catalog: readonly FunctionSpec[],
): WorkflowDefinition[] => {
  const files = readdirSync(directory)
    .filter((entry) => entry.endsWith(ASL_SUFFIX))
    .sort();
  if (files.length === 0) throw new WorkflowDefinitionError(`${directory}: no *${ASL_SUFFIX} file`);
  return files.map((entry) => {
    const file = join(directory, entry);
    return {
      id: pascalCase(entry.slice(0, -ASL_SUFFIX.length)),
      file,
      ...analyseDefinition(file, readFileSync(file, 'utf8'), catalog),
    };
  });
};

/** What the stack passes as `definitionSubstitutions`: every `${<Id>FunctionArn}` of the file → that function's ARN. */
export const definitionSubstitutions = (
  definition: Pick<WorkflowDefinition, 'functions'>,
  functionArn: (spec: FunctionSpec) => string,
): Record<string, string> =>
  Object.fromEntries(definition.functions.map((spec) => [arnPlaceholder(spec), functionArn(spec)]));

/**
 * The definition text as Step Functions receives it: every `${name}` replaced from `substitutions` (what
 * CloudFormation does with DefinitionSubstitutions; the local engine runs the result). A placeholder without a
 * value is an error, as it is for CloudFormation.
 */
export const substituteDefinition = (
  file: string,
  text: string,
  substitutions: Readonly<Record<string, string>>,
): string =>
  text.replace(/\$\{([^}]+)\}/g, (match, name: string) => {
    const value = substitutions[name];
    if (value === undefined)
      throw new WorkflowDefinitionError(`${basename(file)}: no substitution for ${match}`);
    return value;
  });
