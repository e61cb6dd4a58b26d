// The runtime configuration, read once from the environment: defaults for everything optional, `principal:key`
// pairs, and a clear error naming what is missing or malformed.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { composeDeps } from '../../../functions/runtime/compose';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseApiKeys } from '../../../functions/runtime/config';

/** The least environment a handler starts with. */
const minimalEnv = (): Record<string, string | undefined> => ({
  ORDERS_TABLE: 'Orders',
  INVENTORY_TABLE: 'Inventory',
  TRACKING_LINK_SECRET: 'tracking-secret',
});

/** What loading threw, for asserting on its class and message. */
const loadFailure = (env: Record<string, string | undefined>): unknown => {
  try {
    loadConfig(env);
  } catch (error) {
    return error;
  }
  throw new Error('expected the environment to be rejected');
};

describe('loadConfig', () => {
  it('reads the table names', () => {
    // Act
    const config = loadConfig(minimalEnv());

    // Assess
    expect(config.tables).toEqual({ orders: 'Orders', inventory: 'Inventory' });
  });

  it('defaults to the sandbox providers and real-time days', () => {
    // Act
    const config = loadConfig(minimalEnv());

    // Assess
    expect([config.paymentProvider, config.carrierProvider, config.daySeconds]).toEqual([
      'sandbox',
      'sandbox',
      86_400,
    ]);
  });

  it('defaults the business durations', () => {
    // Act
    const config = loadConfig(minimalEnv());

    // Assess
    expect(config.durations).toEqual({
      authorizationValidityDays: 7,
      delayGraceDays: 1,
      returnWindowDays: 30,
      reviewTimeoutDays: 2,
      lostParcelDays: 30,
      carrierSilenceDays: 1,
    });
  });

  it('defaults to a local public URL, no API keys and the default warehouse address', () => {
    // Act
    const config = loadConfig(minimalEnv());

    // Assess
    expect([
      config.publicBaseUrl,
      config.principalsByKey.size,
      config.principalsByKeyId.size,
      config.shipFrom.country,
    ]).toEqual(['http://localhost:3000', 0, 0, 'US']);
  });

  it('reads numbers given as strings', () => {
    // Act
    const config = loadConfig({ ...minimalEnv(), DAY_SECONDS: '10', DELAY_GRACE_DAYS: '0.5' });

    // Assess
    expect([config.daySeconds, config.durations.delayGraceDays]).toEqual([10, 0.5]);
  });

  it('drops a trailing slash from the public URL', () => {
    // Act
    const config = loadConfig({ ...minimalEnv(), PUBLIC_BASE_URL: 'https://orders.example.com/' });

    // Assess
    expect(config.publicBaseUrl).toBe('https://orders.example.com');
  });

  it('reads the store name and support contact customer emails give', () => {
    // Act
    const config = loadConfig({
      ...minimalEnv(),
      STORE_NAME: 'Shop Example',
      SUPPORT_EMAIL: 'support@shop.example',
      SUPPORT_URL: 'https://shop.example/help',
    });

    // Assess
    expect(config.store).toEqual({
      name: 'Shop Example',
      supportEmail: 'support@shop.example',
      supportUrl: 'https://shop.example/help',
    });
  });

  it('defaults to the demo store and no support page', () => {
    // Act
    const config = loadConfig(minimalEnv());

    // Assess
    expect(config.store).toEqual({
      name: 'Orderflow Demo Store',
      supportEmail: 'support@example.com',
      supportUrl: undefined,
    });
  });

  it.each([
    ['SUPPORT_EMAIL', 'not an address'],
    ['SUPPORT_URL', 'javascript:alert(1)'],
    ['STORE_NAME', ' '],
  ])('fails naming a bad %s', (name, value) => {
    // Act
    const error = loadFailure({ ...minimalEnv(), [name]: value });

    // Assess
    expect([error instanceof ConfigError, (error as Error).message]).toEqual([
      true,
      expect.stringContaining(name),
    ]);
  });

  it('maps API Gateway key ids to principals', () => {
    // Act
    const config = loadConfig({
      ...minimalEnv(),
      API_KEY_PRINCIPALS: '{"a1b2c3":"demo-store","d4e5f6":"ops"}',
    });

    // Assess
    expect([...config.principalsByKeyId]).toEqual([
      ['a1b2c3', 'demo-store'],
      ['d4e5f6', 'ops'],
    ]);
  });

  it('fails with a ConfigError naming a missing ORDERS_TABLE', () => {
    // Prepare
    const { ORDERS_TABLE: _orders, ...env } = minimalEnv();

    // Act
    const error = loadFailure(env);

    // Assess
    expect([error instanceof ConfigError, (error as Error).message]).toEqual([
      true,
      expect.stringContaining('ORDERS_TABLE'),
    ]);
  });

  it('fails naming an empty ORDERS_TABLE', () => {
    // Act
    const error = loadFailure({ ...minimalEnv(), ORDERS_TABLE: '' });

    // Assess
    expect((error as Error).message).toContain('ORDERS_TABLE');
  });

  it('fails naming a provider it does not know', () => {
    // Act
    const error = loadFailure({ ...minimalEnv(), PAYMENT_PROVIDER: 'paypal' });

    // Assess
    expect([error instanceof ConfigError, (error as Error).message]).toEqual([
      true,
      expect.stringContaining('PAYMENT_PROVIDER'),
    ]);
  });

  it('fails naming API_KEY_PRINCIPALS when it is not a JSON object of strings', () => {
    // Act
    const error = loadFailure({ ...minimalEnv(), API_KEY_PRINCIPALS: 'a1b2c3=demo-store' });

    // Assess
    expect([error instanceof ConfigError, (error as Error).message]).toEqual([
      true,
      expect.stringContaining('API_KEY_PRINCIPALS'),
    ]);
  });

  it('keeps the Secrets Manager name of the tracking-link key the stack passes', () => {
    // Prepare: the environment the CDK stack gives a function that sends email
    const { TRACKING_LINK_SECRET: _secret, ...env } = minimalEnv();

    // Act
    const config = loadConfig({ ...env, TRACKING_LINK_SECRET_NAME: 'orderflow/prod/tracking-links' });

    // Assess
    expect([config.trackingLinkSecret, config.secretNames.trackingLink]).toEqual([
      '',
      'orderflow/prod/tracking-links',
    ]);
  });

  it('refuses to sign tracking links when neither the key nor its secret name is set', async () => {
    // Prepare
    const { TRACKING_LINK_SECRET: _secret, ...env } = minimalEnv();
    const deps = composeDeps(loadConfig(env), {
      dynamo: new DynamoDBClient({ region: 'us-east-1' }),
      ses: new SESv2Client({ region: 'us-east-1' }),
      sns: new SNSClient({ region: 'us-east-1' }),
      sfn: new SFNClient({ region: 'us-east-1' }),
    });

    // Act
    const failure = deps.trackingLinkSecret().then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    const error = await failure;
    expect([error instanceof ConfigError, (error as Error).message]).toEqual([
      true,
      expect.stringContaining('TRACKING_LINK_SECRET'),
    ]);
  });
});

describe('parseApiKeys', () => {
  it('maps each key to its principal', () => {
    // Act
    const keys = parseApiKeys('demo-store:local-dev-key,ops:local-ops-key');

    // Assess
    expect([...keys]).toEqual([
      ['local-dev-key', 'demo-store'],
      ['local-ops-key', 'ops'],
    ]);
  });

  it('ignores blanks around and between pairs', () => {
    // Act
    const keys = parseApiKeys(' demo-store:local-dev-key , ,ops:local-ops-key ');

    // Assess
    expect([...keys.keys()]).toEqual(['local-dev-key', 'local-ops-key']);
  });

  it('keeps a colon inside the key', () => {
    // Act
    const keys = parseApiKeys('demo-store:abc:def');

    // Assess
    expect(keys.get('abc:def')).toBe('demo-store');
  });

  it('gives no keys for an empty string', () => {
    // Act
    const keys = parseApiKeys('');

    // Assess
    expect(keys.size).toBe(0);
  });

  it.each(['demo-store', ':local-dev-key', 'demo-store:'])(
    'rejects the pair %j with a ConfigError',
    (pair) => {
      // Act
      const parse = () => parseApiKeys(pair);

      // Assess
      expect(parse).toThrow(ConfigError);
    },
  );
});
