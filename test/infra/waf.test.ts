// Limits on the routes without a key, which no usage plan bounds: a per-method throttle for each (from the stage
// config, below the stage default, together at most half the stage rate), and in staging and prod a web ACL whose
// rate-based rules refuse one IP address flooding them, with its logs in an `aws-waf-logs-` group where no key,
// signature or query string is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog } from '../../catalog/functions';
import { stageNames, type StageName } from '../../lib/config';
import { openRoutes, stageConfigSchema } from '../../lib/config/stage-config';
import { stages } from '../../lib/config/stages';
import { REDACTED_HEADERS } from '../../lib/constructs/api-firewall';
import { synthesize, type Synthesized } from './synth';
import { referencedIds, resourcesOfType } from './template-queries';

const synthesized = new Map<StageName, Synthesized>();

beforeAll(() => {
  for (const stage of stageNames) synthesized.set(stage, synthesize(stage));
});
afterAll(() => {
  for (const s of synthesized.values()) s.cleanup();
});

const only = (s: Synthesized, type: string) => {
  const found = resourcesOfType(s.json.Resources, type);
  expect(found, type).toHaveLength(1);
  return { id: found[0]![0], properties: found[0]![1].Properties! };
};

interface MethodSetting {
  HttpMethod: string;
  ResourcePath: string;
  ThrottlingRateLimit?: number;
  ThrottlingBurstLimit?: number;
  LoggingLevel?: string;
}

/** `METHOD /path` → the stage's method setting of that route (`*` `/*` is the stage default). */
const methodSettings = (s: Synthesized): Map<string, MethodSetting> => {
  const settings = only(s, 'AWS::ApiGateway::Stage').properties.MethodSettings as MethodSetting[];
  return new Map(
    settings.map((setting) => {
      // `/~1track~1{orderId}`: a leading `/`, then the resource path with each `/` escaped as `~1`.
      const path = setting.ResourcePath === '/*' ? '/*' : setting.ResourcePath.slice(1).replaceAll('~1', '/');
      return [`${setting.HttpMethod} ${path}`, setting];
    }),
  );
};

const keyedRoutes = functionCatalog.flatMap((spec) =>
  (spec.routes ?? [])
    .filter((route) => route.auth === 'apiKey')
    .map((route) => `${route.method} ${route.path}`),
);

/** A request path of the route as a client sends it, under the stage (`{orderId}` → `ord_1`). */
const samplePath = (route: string): string =>
  `/v1${route.slice(route.indexOf(' ') + 1).replace(/\{\w+\}/g, 'x_1')}`;

interface ByteMatch {
  PositionalConstraint: 'EXACTLY' | 'STARTS_WITH';
  SearchString: string;
  FieldToMatch: { UriPath?: object };
  TextTransformations: { Type: string }[];
}
interface Statement {
  ByteMatchStatement?: ByteMatch;
  OrStatement?: { Statements: Statement[] };
}

/** Whether a scope-down statement (URI path byte matches, or an OR of them) covers the path. */
const covers = (statement: Statement, path: string): boolean => {
  if (statement.OrStatement) return statement.OrStatement.Statements.some((inner) => covers(inner, path));
  const match = statement.ByteMatchStatement!;
  expect(match.FieldToMatch).toEqual({ UriPath: {} });
  expect(match.TextTransformations.map((t) => t.Type)).toEqual(['URL_DECODE']);
  return match.PositionalConstraint === 'EXACTLY'
    ? path === match.SearchString
    : path.startsWith(match.SearchString);
};

interface Rule {
  Name: string;
  Priority: number;
  Action?: { Block?: { CustomResponse?: Record<string, unknown> } };
  Statement: {
    RateBasedStatement?: {
      AggregateKeyType: string;
      Limit: number;
      EvaluationWindowSec: number;
      ScopeDownStatement: Statement;
    };
  };
}

describe.each(stageNames)('the %s stage', (stage) => {
  it('throttles every route without a key on its own, as its stage config says, below the stage default', () => {
    const s = synthesized.get(stage)!;
    const settings = methodSettings(s);
    const stageDefault = settings.get('* /*')!;

    for (const route of openRoutes) {
      const setting = settings.get(route);
      const throttle = s.config.api.openRoutes[route]!;
      expect(setting, route).toMatchObject({
        ThrottlingRateLimit: throttle.rateLimit,
        ThrottlingBurstLimit: throttle.burstLimit,
        LoggingLevel: 'ERROR',
      });
      expect(setting!.ThrottlingRateLimit).toBeLessThan(stageDefault.ThrottlingRateLimit!);
      expect(setting!.ThrottlingBurstLimit).toBeLessThan(stageDefault.ThrottlingBurstLimit!);
    }
    const total = openRoutes.reduce((sum, route) => sum + settings.get(route)!.ThrottlingRateLimit!, 0);
    expect(total).toBeLessThanOrEqual(stageDefault.ThrottlingRateLimit! / 2);
  });

  it('leaves the keyed routes to their key’s usage plan under the stage default', () => {
    const settings = methodSettings(synthesized.get(stage)!);
    expect([...settings.keys()].sort()).toEqual(['* /*', ...openRoutes].sort());
    for (const route of keyedRoutes) expect(settings.has(route), route).toBe(false);
  });

  it('tells a throttled client to retry after a second, in the contract shape', () => {
    const s = synthesized.get(stage)!;
    const throttled = resourcesOfType(s.json.Resources, 'AWS::ApiGateway::GatewayResponse').find(
      ([, response]) => response.Properties?.ResponseType === 'THROTTLED',
    )![1].Properties!;
    expect(throttled).toMatchObject({
      StatusCode: '429',
      ResponseParameters: { 'gatewayresponse.header.Retry-After': "'1'" },
    });
  });
});

describe.each(['staging', 'prod'] as const)('the web ACL of %s', (stage) => {
  const rules = () => only(synthesized.get(stage)!, 'AWS::WAFv2::WebACL').properties.Rules as Rule[];
  const rule = (name: string) => rules().find((r) => r.Name === name)!;

  it('limits each IP address on the webhooks and on the other open routes, per 5 minutes, from the config', () => {
    const { perIpLimits } = synthesized.get(stage)!.config.api;

    const webhooks = rule('WebhooksPerIp').Statement.RateBasedStatement!;
    const pages = rule('OpenPagesPerIp').Statement.RateBasedStatement!;

    expect(webhooks).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: perIpLimits!.webhooks,
      EvaluationWindowSec: 300,
    });
    expect(pages).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: perIpLimits!.pages,
      EvaluationWindowSec: 300,
    });
    // Evaluated before the managed groups.
    expect([rule('WebhooksPerIp').Priority, rule('OpenPagesPerIp').Priority]).toEqual([0, 1]);
    expect(
      Math.min(
        ...rules()
          .filter((r) => !r.Statement.RateBasedStatement)
          .map((r) => r.Priority),
      ),
    ).toBe(2);
  });

  it('counts exactly the routes without a key, each in one rule, and never a keyed route', () => {
    const webhooks = rule('WebhooksPerIp').Statement.RateBasedStatement!.ScopeDownStatement;
    const pages = rule('OpenPagesPerIp').Statement.RateBasedStatement!.ScopeDownStatement;

    for (const route of openRoutes) {
      const path = samplePath(route);
      const isWebhook = route.includes(' /webhooks/');
      expect([covers(webhooks, path), covers(pages, path)], route).toEqual([isWebhook, !isWebhook]);
    }
    for (const route of keyedRoutes) {
      const path = samplePath(route);
      expect([covers(webhooks, path), covers(pages, path)], route).toEqual([false, false]);
    }
  });

  it('answers an address over its limit 429 RATE_LIMITED in the contract shape, with Retry-After', () => {
    const acl = only(synthesized.get(stage)!, 'AWS::WAFv2::WebACL').properties;
    const bodies = acl.CustomResponseBodies as Record<string, { Content: string; ContentType: string }>;

    for (const name of ['WebhooksPerIp', 'OpenPagesPerIp']) {
      const response = rule(name).Action!.Block!.CustomResponse!;
      expect(response).toMatchObject({
        ResponseCode: 429,
        ResponseHeaders: [{ Name: 'Retry-After', Value: '60' }],
      });
      const body = bodies[response.CustomResponseBodyKey as string]!;
      expect(body.ContentType).toBe('APPLICATION_JSON');
      expect(JSON.parse(body.Content)).toEqual({
        error: { code: 'RATE_LIMITED', message: expect.any(String) as string, details: [] },
      });
    }
  });

  it('logs what it blocks or counts to an aws-waf-logs- group kept for the stage retention', () => {
    const s = synthesized.get(stage)!;
    const logGroups = resourcesOfType(s.json.Resources, 'AWS::Logs::LogGroup').filter(([, group]) =>
      (group.Properties?.LogGroupName as string | undefined)?.startsWith('aws-waf-logs-'),
    );
    const logging = only(s, 'AWS::WAFv2::LoggingConfiguration').properties;

    expect(logGroups).toHaveLength(1);
    const [groupId, group] = logGroups[0]!;
    expect(group.Properties).toMatchObject({
      LogGroupName: `aws-waf-logs-Orderflow-${stage}`,
      RetentionInDays: s.config.logRetentionDays,
    });
    expect(group.DeletionPolicy).toBe(s.config.data.retain ? 'Retain' : 'Delete');
    expect(referencedIds(logging.ResourceArn)).toEqual(new Set([only(s, 'AWS::WAFv2::WebACL').id]));
    // WAF takes the log group's ARN without the `:*` CloudFormation's Arn attribute ends with.
    const destination = JSON.stringify(logging.LogDestinationConfigs);
    expect(destination).toContain(`:log-group:aws-waf-logs-Orderflow-${stage}"`);
    expect(destination).not.toContain(':*');
    expect(s.json.Resources[groupId]).toBeDefined();
    expect(logging.LoggingFilter).toEqual({
      DefaultBehavior: 'DROP',
      Filters: [
        {
          Behavior: 'KEEP',
          Requirement: 'MEETS_ANY',
          Conditions: ['BLOCK', 'COUNT', 'EXCLUDED_AS_COUNT'].map((Action) => ({
            ActionCondition: { Action },
          })),
        },
      ],
    });
  });

  it('writes no API key, authorization, webhook signature or query string (tracking token, email) to its logs', () => {
    const logging = only(synthesized.get(stage)!, 'AWS::WAFv2::LoggingConfiguration').properties;
    const redacted = logging.RedactedFields as { SingleHeader?: { Name: string }; QueryString?: object }[];

    const headers = redacted.flatMap((field) => (field.SingleHeader ? [field.SingleHeader.Name] : []));
    expect(headers.sort()).toEqual(
      ['x-api-key', 'authorization', 'x-orderflow-signature', 'x-hmac-signature', 'stripe-signature'].sort(),
    );
    expect([...REDACTED_HEADERS].sort()).toEqual(headers.sort());
    expect(redacted).toContainEqual({ QueryString: {} });
  });
});

describe('dev', () => {
  it('has no web ACL and so no WAF logs (its routes are still throttled per method)', () => {
    const s = synthesized.get('dev')!;
    s.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    s.template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
    expect(methodSettings(s).size).toBe(openRoutes.length + 1);
  });
});

describe('the stage config of the open routes', () => {
  const prod = stages.prod;
  const withOpenRoutes = (openRoutesConfig: Record<string, unknown>, api: Record<string, unknown> = {}) =>
    stageConfigSchema.safeParse({ ...prod, api: { ...prod.api, ...api, openRoutes: openRoutesConfig } });
  const paths = (result: ReturnType<typeof withOpenRoutes>) =>
    result.error?.issues.map((issue) => issue.path.join('.'));

  it('names a route without a key that has no throttle, as a new one would', () => {
    const { ['GET /health']: _health, ...rest } = prod.api.openRoutes;

    expect(paths(withOpenRoutes(rest))).toEqual(['api.openRoutes.GET /health']);
  });

  it('refuses a throttle above the stage default, for a route that is not open, or rates over half the stage', () => {
    const routes = prod.api.openRoutes;
    const above = withOpenRoutes({ ...routes, 'GET /health': { rateLimit: 300, burstLimit: 10 } });
    const keyed = withOpenRoutes({ ...routes, 'GET /orders': { rateLimit: 1, burstLimit: 1 } });
    const tooMuch = withOpenRoutes({ ...routes, 'GET /track/{orderId}': { rateLimit: 90, burstLimit: 100 } });

    expect(paths(above)).toContain('api.openRoutes.GET /health');
    expect(paths(keyed)).toContain('api.openRoutes.GET /orders');
    expect(paths(tooMuch)).toEqual(['api.openRoutes']);
  });

  it('needs the per-IP limits wherever there is a web ACL', () => {
    const result = stageConfigSchema.safeParse({ ...prod, api: { ...prod.api, perIpLimits: undefined } });

    expect(paths(result)).toEqual(['api.perIpLimits']);
  });
});
