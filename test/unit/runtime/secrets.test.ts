// Keys read from Secrets Manager (functions/runtime/parts/secrets.ts): kept for SECRETS_MAX_AGE_SECONDS, so a warm
// container reads a key once per period and picks up a rotated key after it, without a cold start; a failed read
// is never kept. The Secrets Manager client is real, its `send` answered by aws-sdk-client-mock; the clock is faked.
import {
  GetSecretValueCommand,
  InternalServiceError,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../functions/runtime/config';
import { trackingLinksPart } from '../../../functions/runtime/parts/keys';
import { partContext } from '../../../functions/runtime/parts/part';

const secretName = 'orderflow/prod/tracking-links';
const T0 = new Date('2030-03-04T10:00:00.000Z');

const secretsManager = mockClient(SecretsManagerClient);

/** The tracking-link key of a function as the stack configures it: by name, kept `maxAge` seconds. */
const trackingLinkKey = (maxAge?: number) => {
  const config = loadConfig({
    ORDERS_TABLE: 'Orders',
    INVENTORY_TABLE: 'Inventory',
    TRACKING_LINK_SECRET_NAME: secretName,
    ...(maxAge === undefined ? {} : { SECRETS_MAX_AGE_SECONDS: String(maxAge) }),
  });
  const client = new SecretsManagerClient({ region: 'us-east-1' });
  return trackingLinksPart(partContext(config, { secrets: client })).trackingLinkSecret;
};

const secondsLater = (seconds: number) => vi.setSystemTime(new Date(Date.now() + seconds * 1000));

beforeEach(() => {
  secretsManager.reset();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a key read from Secrets Manager', () => {
  it('is read once and then served from memory while it is younger than SECRETS_MAX_AGE_SECONDS', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand, { SecretId: secretName }).resolves({ SecretString: 'key-1' });
    const key = trackingLinkKey(60);

    // Act
    const first = await key();
    secondsLater(59);
    const second = await key();

    // Assess
    expect([first, second]).toEqual(['key-1', 'key-1']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('is read again once older than SECRETS_MAX_AGE_SECONDS, so a rotated key takes effect', async () => {
    // Prepare: the key is rotated after the first read
    secretsManager
      .on(GetSecretValueCommand, { SecretId: secretName })
      .resolvesOnce({ SecretString: 'key-1' })
      .resolves({ SecretString: 'key-2' });
    const key = trackingLinkKey(60);
    const before = await key();

    // Act
    secondsLater(61);
    const after = await key();

    // Assess
    expect([before, after]).toEqual(['key-1', 'key-2']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('is kept 300 seconds unless the stack says otherwise', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'key-1' })
      .resolves({ SecretString: 'key-2' });
    const key = trackingLinkKey();

    // Act
    const reads = [await key()];
    secondsLater(299);
    reads.push(await key());
    secondsLater(2);
    reads.push(await key());

    // Assess
    expect(reads).toEqual(['key-1', 'key-1', 'key-2']);
  });

  it('is not kept when the read failed: the next call reads again', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new InternalServiceError({ message: 'try again', $metadata: {} }))
      .resolves({ SecretString: 'key-1' });
    const key = trackingLinkKey(60);

    // Act
    const failure = await key().then(
      () => undefined,
      (error: unknown) => error,
    );
    const retried = await key();

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect(retried).toBe('key-1');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('is refused when the secret holds no string (a binary secret is no key)', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });
    const key = trackingLinkKey(60);

    // Act
    const failure = await key().then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    expect((failure as Error).message).toContain(secretName);
  });

  it('is not read at all where the environment gives the key itself (the local engine)', async () => {
    // Prepare
    const config = loadConfig({
      ORDERS_TABLE: 'Orders',
      INVENTORY_TABLE: 'Inventory',
      TRACKING_LINK_SECRET: 'local',
    });
    const client = new SecretsManagerClient({ region: 'us-east-1' });

    // Act
    const key = await trackingLinksPart(partContext(config, { secrets: client })).trackingLinkSecret();

    // Assess
    expect(key).toBe('local');
    expect(secretsManager.calls()).toHaveLength(0);
  });
});
