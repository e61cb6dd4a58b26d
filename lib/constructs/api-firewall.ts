// An AWS WAF web ACL in front of the API stage: AWS managed rules for common exploits, known bad inputs and IP
// reputation, and rate-based rules per IP address on the routes without a key. Keyed routes are limited by their
// key's usage plan, not per IP: a storefront's back end sends all of its traffic from a few addresses. The routes
// without a key have no plan; their per-method throttles bound them as a whole, and the per-IP rules keep one
// address flooding them from using up that throttle for the carrier, Stripe and the customers.
//
// The web ACL logs what it blocks or counts (allowed requests are in the API's access logs) to a log group of its
// own, with the API key, authorization and webhook signature headers and the query string (the tracking link's token,
// a customer's email in a search) redacted.
import { RemovalPolicy, Stack, ArnFormat } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  /** ARN of the API Gateway stage to protect. */
  stageArn: string;
  /** The stage's first path segment (`/v1`), which the paths WAF sees begin with. */
  stagePath: string;
  /** `METHOD /path` of every route without a key. */
  openRoutes: readonly string[];
  /** Requests one IP address may send in 5 minutes: to the webhooks, and to the other routes without a key. */
  perIpLimits: { webhooks: number; pages: number };
  logRetention: RetentionDays;
  /** Keep the log group when the stack is deleted. */
  retain: boolean;
}

/** The window the rate-based rules count requests in. */
export const RATE_WINDOW_SECONDS = 300;

/** Headers that carry a secret or a signature, never written to the WAF logs. */
export const REDACTED_HEADERS = [
  'x-api-key',
  'authorization',
  'x-orderflow-signature',
  'x-hmac-signature',
  'stripe-signature',
] as const;

const RATE_LIMITED_BODY = 'RateLimited';

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const managedRule = (
  name: string,
  priority: number,
  ruleActionOverrides?: CfnWebACL.RuleActionOverrideProperty[],
): CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: {
      vendorName: 'AWS',
      name,
      ...(ruleActionOverrides ? { ruleActionOverrides } : {}),
    },
  },
  visibilityConfig: visibility(name),
});

/**
 * The URI paths of a route, as WAF sees them (URL-decoded, so an encoded path does not slip by): a path with a
 * parameter by its fixed start (`/v1/track/`), any other exactly.
 */
const pathMatch = (stagePath: string, path: string): CfnWebACL.StatementProperty => {
  const parameter = path.indexOf('{');
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: parameter === -1 ? 'EXACTLY' : 'STARTS_WITH',
      searchString: `${stagePath}${parameter === -1 ? path : path.slice(0, parameter)}`,
      textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
    },
  };
};

const anyOf = (statements: CfnWebACL.StatementProperty[]): CfnWebACL.StatementProperty =>
  statements.length === 1 ? statements[0]! : { orStatement: { statements } };

/** Blocks an IP address over `limit` requests in the window to `paths`, answering 429 in the contract's shape. */
const perIpRule = (
  name: string,
  priority: number,
  limit: number,
  stagePath: string,
  paths: string[],
): CfnWebACL.RuleProperty => ({
  name,
  priority,
  action: {
    block: {
      customResponse: {
        responseCode: 429,
        customResponseBodyKey: RATE_LIMITED_BODY,
        responseHeaders: [{ name: 'Retry-After', value: '60' }],
      },
    },
  },
  statement: {
    rateBasedStatement: {
      aggregateKeyType: 'IP',
      limit,
      evaluationWindowSec: RATE_WINDOW_SECONDS,
      scopeDownStatement: anyOf(paths.map((path) => pathMatch(stagePath, path))),
    },
  },
  visibilityConfig: visibility(name),
});

export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const paths = props.openRoutes.map((route) => route.slice(route.indexOf(' ') + 1));
    const webhooks = paths.filter((path) => path.startsWith('/webhooks/'));
    const pages = paths.filter((path) => !path.startsWith('/webhooks/'));
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('OrderflowApi'),
      customResponseBodies: {
        [RATE_LIMITED_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: {
              code: 'RATE_LIMITED',
              message: 'Too many requests from this address; retry later',
              details: [],
            },
          }),
        },
      },
      rules: [
        // Rate first: a flood is refused before the managed groups spend capacity on it.
        perIpRule('WebhooksPerIp', 0, props.perIpLimits.webhooks, props.stagePath, webhooks),
        perIpRule('OpenPagesPerIp', 1, props.perIpLimits.pages, props.stagePath, pages),
        // An order with many lines exceeds the 8 KB body limit of this group; API Gateway's own 10 MB limit and
        // the request model bound the body instead, so that one rule only counts.
        managedRule('AWSManagedRulesCommonRuleSet', 2, [
          { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
        ]),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 3),
        managedRule('AWSManagedRulesAmazonIpReputationList', 4),
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF writes only to log groups whose name starts with `aws-waf-logs-`, named by an ARN without the `:*`.
    const logGroupName = `aws-waf-logs-${Stack.of(this).stackName}`;
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName,
      retention: props.logRetention,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const logging = new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // FieldToMatch and the filter are passed through as CloudFormation spells them.
      redactedFields: [
        ...REDACTED_HEADERS.map((name) => ({ singleHeader: { Name: name } })),
        { queryString: {} },
      ],
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: ['BLOCK', 'COUNT', 'EXCLUDED_AS_COUNT'].map((action) => ({
              ActionCondition: { Action: action },
            })),
          },
        ],
      },
    });
    logging.node.addDependency(this.logGroup);
  }
}
