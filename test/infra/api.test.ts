// The REST API: every catalog route, keyed where the catalog says so, one key and usage plan per principal, request
// models generated from the zod schemas, and errors in the contract's shape.
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog } from '../../catalog/functions';
import { requestModelFor } from '../../lib/request-models';
import { logicalId, synthesize, type Synthesized } from './synth';
import { referencedIds, resourcesOfType } from './template-queries';

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

/** `METHOD /full/path` of every method in the template. */
const methods = (s: Synthesized) => {
  const resources = s.json.Resources;
  const pathOf = (resourceId: string | undefined): string => {
    if (!resourceId) return '';
    const resource = resources[resourceId]!;
    const parent = [...referencedIds(resource.Properties?.ParentId)].find(
      (id) => resources[id]?.Type === 'AWS::ApiGateway::Resource',
    );
    return `${pathOf(parent)}/${resource.Properties?.PathPart as string}`;
  };
  return new Map(
    resourcesOfType(resources, 'AWS::ApiGateway::Method').map(([id, method]) => {
      const resourceId = [...referencedIds(method.Properties?.ResourceId)].find(
        (ref) => resources[ref]?.Type === 'AWS::ApiGateway::Resource',
      );
      return [`${method.Properties?.HttpMethod as string} ${pathOf(resourceId)}`, { id, method }];
    }),
  );
};

const routes = functionCatalog.flatMap((spec) => (spec.routes ?? []).map((route) => ({ spec, route })));

describe.each(routes.map(({ spec, route }) => [`${route.method} ${route.path}`, spec, route] as const))(
  'the route %s',
  (key, spec, route) => {
    it(`reaches the ${spec.id} function through a Lambda proxy integration`, () => {
      const found = methods(dev).get(key);
      expect(found, key).toBeDefined();
      const integration = found!.method.Properties?.Integration as { Type: string; Uri: unknown };
      expect(integration.Type).toBe('AWS_PROXY');
      expect(referencedIds(integration.Uri)).toContain(
        logicalId(dev.stack, dev.stack.functions.orderFunction(spec.id).function),
      );
    });

    it(
      route.auth === 'apiKey' ? 'requires an API key' : 'is open (the handler authenticates, if at all)',
      () => {
        expect(methods(dev).get(key)!.method.Properties?.ApiKeyRequired).toBe(route.auth === 'apiKey');
      },
    );

    it('validates its path parameters and, where it has one, its body model', () => {
      const properties = methods(dev).get(key)!.method.Properties!;
      for (const [, name] of route.path.matchAll(/\{([^}]+)\}/g)) {
        expect(properties.RequestParameters).toMatchObject({ [`method.request.path.${name}`]: true });
      }
      const model = requestModelFor(route.method, route.path);
      if (model) {
        expect(properties.RequestModels).toEqual({ 'application/json': expect.anything() as unknown });
        expect(properties.RequestValidatorId).toBeDefined();
      } else {
        expect(properties.RequestModels).toBeUndefined();
      }
    });
  },
);

describe('request models', () => {
  it('are the draft-4 JSON Schemas generated from the zod schemas', () => {
    const model = requestModelFor('POST', '/orders')!;
    dev.template.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: model.name,
      ContentType: 'application/json',
      Schema: { ...model.schema, $schema: 'http://json-schema.org/draft-04/schema#' },
    });
  });

  it('are checked by a validator that checks bodies and parameters', () => {
    dev.template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
  });
});

describe('API keys and usage plans', () => {
  it('gives every storefront and ops a generated key on a usage plan of its own, with the stage limits', () => {
    for (const s of [dev, prod]) {
      const plans = [...Object.entries(s.config.storefronts), ['ops', s.config.ops] as const];
      expect(resourcesOfType(s.json.Resources, 'AWS::ApiGateway::UsagePlan')).toHaveLength(plans.length);
      expect(resourcesOfType(s.json.Resources, 'AWS::ApiGateway::ApiKey')).toHaveLength(plans.length);
      for (const [principal, plan] of plans) {
        s.template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
          Description: Match.stringLikeRegexp(` ${principal}$`),
          Throttle: { RateLimit: plan.throttle.rateLimit, BurstLimit: plan.throttle.burstLimit },
          Quota: { Limit: plan.quota.limit, Period: plan.quota.period },
        });
      }
      for (const [, key] of resourcesOfType(s.json.Resources, 'AWS::ApiGateway::ApiKey')) {
        expect(key.Properties).not.toHaveProperty('Value');
      }
    }
  });

  it('passes the key id → principal map to the API functions', () => {
    const ordersApi =
      dev.json.Resources[logicalId(dev.stack, dev.stack.functions.orderFunction('OrdersApi').function)]!;
    const variables = (ordersApi.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    const keyIds = resourcesOfType(dev.json.Resources, 'AWS::ApiGateway::ApiKey').map(([id]) => id);
    expect([...referencedIds(variables.API_KEY_PRINCIPALS)].sort()).toEqual(keyIds.sort());
    expect(JSON.stringify(variables.API_KEY_PRINCIPALS)).toContain('\\":\\"demo-store\\"');
    expect(JSON.stringify(variables.API_KEY_PRINCIPALS)).toContain('\\":\\"ops\\"');
  });
});

describe('the stage', () => {
  it('writes JSON access logs, traces with X-Ray and throttles by the stage config', () => {
    dev.template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"apiKeyId"') },
      // The stage default; the routes without a key have their own throttles (test/infra/waf.test.ts).
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: dev.config.api.throttle.rateLimit,
          ThrottlingBurstLimit: dev.config.api.throttle.burstLimit,
        }),
      ]),
    });
  });

  it('answers gateway errors in the contract shape', () => {
    for (const [type, status, code] of [
      ['INVALID_API_KEY', '401', 'UNAUTHORIZED'],
      ['BAD_REQUEST_BODY', '400', 'VALIDATION_FAILED'],
      ['THROTTLED', '429', 'RATE_LIMITED'],
      ['QUOTA_EXCEEDED', '429', 'RATE_LIMITED'],
      ['REQUEST_TOO_LARGE', '413', 'PAYLOAD_TOO_LARGE'],
      ['MISSING_AUTHENTICATION_TOKEN', '404', 'NOT_FOUND'],
    ]) {
      dev.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: status,
        ResponseTemplates: { 'application/json': Match.stringLikeRegexp(`^\\{"error":\\{"code":"${code}"`) },
      });
    }
  });

  it('sits behind a WAF web ACL in prod, not in dev', () => {
    prod.template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    prod.template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
    });
    dev.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });
});
