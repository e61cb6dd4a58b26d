// Whole orders on the local engine with the real providers selected, as a staging stage runs them: Stripe for the
// payment (through the official SDK) and EasyPost for the label and tracking, their keys read from Secrets Manager.
// Their HTTP exchanges are the recorded ones the adapters' own tests replay (test/fixtures/stripe, easypost), made
// for order `order-1001`: each journey's recording is bound to the order the workflow really asks about, and every
// request is checked against it (method, path, key, idempotency key, API version, body), in order.
import { createHmac, randomBytes } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOrder } from '../../functions/adapters/order-store';
import { STRIPE_API_VERSION } from '../../functions/adapters/payment/stripe-payment';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  startTestSystem,
  waitForOrder,
  webhookSecret,
} from '../helpers/local-system';
import { loadFixture, recordedWarehouse } from '../providers/fixtures';
import { replay, type Recording, type RecordedExchange, type Replay } from '../providers/recorded-fetch';

const STRIPE_KEY = 'sk_test_orderflow';
const EASYPOST_KEY = 'EZTK_test_orderflow';
/** The order the recordings were made for. */
const RECORDED_ORDER = 'order-1001';

/**
 * The exchanges of recordings, in order, bound to `orderId`: the recorded order id replaced, and the recorded
 * idempotency keys (`order-1001:<operation>`) written as the steps write them (`<operation>:<orderId>`).
 */
const exchangesFor = (orderId: string, fixtures: readonly string[]): RecordedExchange[] =>
  fixtures.flatMap((fixture) => {
    const text = JSON.stringify(loadFixture<Recording>(fixture).exchanges)
      .replace(/order-1001(:|%3A)(\w+)/g, `$2$1${orderId}`)
      .replaceAll(RECORDED_ORDER, orderId);
    return JSON.parse(text) as RecordedExchange[];
  });

/**
 * One provider's side of a journey: its recordings replayed for the order named by the first request (Stripe's
 * idempotency key, EasyPost's shipment reference, both `<operation>:<orderId>`).
 */
class RecordedProvider {
  private replay: Replay | undefined;

  constructor(
    private readonly fixtures: readonly string[],
    private readonly options: { baseUrl: string; authorization: string; headers?: Record<string, string> },
  ) {}

  fetch(url: URL, init: RequestInit | undefined): Promise<Response> {
    if (!this.replay) {
      const key = new Headers(init?.headers).get('idempotency-key') ?? decodeURIComponent(url.pathname);
      const orderId = /:(ord_\w+)$/.exec(key)?.[1] ?? RECORDED_ORDER;
      this.replay = replay(exchangesFor(orderId, this.fixtures), this.options);
    }
    return this.replay.fetch(url.href, init);
  }

  expectAllUsed(): void {
    expect(this.replay, 'the provider was called').toBeDefined();
    this.replay?.expectAllUsed();
  }
}

/** Serves each provider's API host from its recordings; anything else is a test failure. */
const providerFetch =
  (hosts: Record<string, RecordedProvider>): typeof fetch =>
  (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const provider = hosts[url.hostname];
    if (!provider) return Promise.reject(new Error(`no recorded provider at ${url.hostname}`));
    return provider.fetch(url, init);
  };

describe('an order with Stripe and EasyPost selected, against recorded exchanges', () => {
  let system: LocalSystem;
  let api: Api;
  const stripe = new RecordedProvider(['stripe/authorize-approved.json', 'stripe/capture.json'], {
    baseUrl: 'https://api.stripe.com',
    authorization: `Bearer ${STRIPE_KEY}`,
    headers: { 'stripe-version': STRIPE_API_VERSION },
  });
  const easyPost = new RecordedProvider(['easypost/buy-label-journey.json'], {
    baseUrl: 'https://api.easypost.com',
    authorization: `Basic ${Buffer.from(`${EASYPOST_KEY}:`).toString('base64')}`,
  });
  const secrets = mockClient(SecretsManagerClient);

  beforeAll(async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: 'orderflow/test/stripe-api-key' })
      .resolves({ SecretString: STRIPE_KEY })
      .on(GetSecretValueCommand, { SecretId: 'orderflow/test/easypost-api-key' })
      .resolves({ SecretString: EASYPOST_KEY });
    system = await startTestSystem({
      simulation: 'off',
      // Days of a real length: the recorded authorization lasts a week and the recorded rate promises its dates.
      daySeconds: 86_400,
      providers: {
        environment: {
          PAYMENT_PROVIDER: 'stripe',
          CARRIER_PROVIDER: 'easypost',
          STRIPE_SECRET_NAME: 'orderflow/test/stripe-api-key',
          EASYPOST_SECRET_NAME: 'orderflow/test/easypost-api-key',
          // The warehouse the recorded shipment leaves from.
          SHIP_FROM_ADDRESS: JSON.stringify(recordedWarehouse),
        },
        secrets: new SecretsManagerClient({ region: 'us-east-1' }),
        fetch: providerFetch({ 'api.stripe.com': stripe, 'api.easypost.com': easyPost }),
      },
    });
    api = new Api(system);
  });
  afterAll(async () => {
    await system.stop();
    secrets.restore();
  });

  it('authorizes with Stripe, buys the EasyPost label, captures on the first scan and is delivered', async () => {
    // Prepare: the contract's example order (the recordings' amount, address and weight), paid with a Stripe card
    const request = anOrderRequest({ payment: { provider: 'stripe', token: 'pm_card_visa' } });

    // Act: the order runs to its label; the parcel's scans come as EasyPost's signed tracker.updated webhooks
    const { status, body } = await api.postOrder(request);
    const labelled = await waitForOrder(api, system, body.orderId, hasStatus('LABEL_CREATED'));
    const tracking = labelled.shipment!.trackingNumber;
    const outcomes: string[][] = [];
    for (const fixture of ['webhook-tracker-updated', 'webhook-tracker-delivered']) {
      const event = loadFixture<{ id: string; result: { tracking_code: string } }>(
        `easypost/${fixture}.json`,
      );
      event.id = `evt_${randomBytes(16).toString('hex')}`;
      event.result.tracking_code = tracking;
      const raw = JSON.stringify(event);
      const signature = `hmac-sha256-hex=${createHmac('sha256', webhookSecret).update(raw).digest('hex')}`;
      const answer = await api.request<{ outcomes: string[] }>('POST', '/webhooks/carrier/easypost', {
        key: null,
        raw,
        headers: { 'content-type': 'application/json', 'X-Hmac-Signature': signature },
      });
      outcomes.push(answer.body.outcomes);
      await waitForOrder(
        api,
        system,
        body.orderId,
        hasStatus(outcomes.length === 1 ? 'IN_TRANSIT' : 'DELIVERED'),
      );
    }
    const delivered = await api.order(body.orderId);

    // Assess
    expect(status).toBe(202);
    expect(labelled.payment).toMatchObject({
      provider: 'stripe',
      status: 'AUTHORIZED',
      authorizedAmount: 4498,
    });
    const stored = await getOrder(system.deps.db, body.orderId);
    expect(stored?.payment.paymentId).toBe('pi_3QfX9a2eZvKYlo2C0Ab1Cd2E');
    expect(labelled.shipment).toMatchObject({
      carrier: 'easypost',
      trackingNumber: '9400100109361129278357',
    });
    expect(stored?.shipment?.shipmentId).toBe('shp_6a1f2e3d4c5b4a69887766554433221a');
    expect(outcomes).toEqual([['recorded'], ['recorded']]);
    expect(delivered.status).toBe('DELIVERED');
    expect(delivered.payment).toMatchObject({ status: 'CAPTURED', capturedAmount: 4498 });
    // Every recorded exchange was asked for, in order, and nothing more: one authorization, one label, one capture.
    stripe.expectAllUsed();
    easyPost.expectAllUsed();
    expect(secrets.commandCalls(GetSecretValueCommand).length).toBeGreaterThan(0);
  });
});
