// Small readers over a synthesized template: IAM statements of a role, and the resources a value refers to.
import type { CfnResourceJson } from './synth';

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, unknown>;
}

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Logical ids a template value refers to through Ref or Fn::GetAtt (pseudo parameters excluded). */
export const referencedIds = (value: unknown): Set<string> => {
  const ids = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'Ref' && typeof child === 'string' && !child.startsWith('AWS::')) ids.add(child);
        else if (key === 'Fn::GetAtt' && Array.isArray(child) && typeof child[0] === 'string')
          ids.add(child[0]);
        else visit(child);
      }
    }
  };
  visit(value);
  return ids;
};

/** Every statement of the inline policies attached to the role with logical id `roleId`. */
export const statementsOfRole = (resources: Record<string, CfnResourceJson>, roleId: string): Statement[] =>
  Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => referencedIds(policy.Properties?.Roles).has(roleId))
    .flatMap((policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);

export const actionsOf = (statement: Statement): string[] => asArray(statement.Action);

export const resourcesOfType = (
  resources: Record<string, CfnResourceJson>,
  type: string,
): [string, CfnResourceJson][] => Object.entries(resources).filter(([, resource]) => resource.Type === type);
