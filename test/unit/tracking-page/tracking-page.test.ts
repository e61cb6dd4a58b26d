// The customer tracking page (`GET /track/{orderId}?t=<token>`, no API key): the link's token opens the page of
// that order only; a wrong, tampered or missing token and an unknown order all get the same 404; the page shows
// the status, the parcel and the milestones, and nothing about who the order is for.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { trackingToken } from '../../../functions/domain/notices';
import type { OrderRecord } from '../../../functions/domain/order';
import { createHandler } from '../../../functions/tracking-page/handler';
import { renderTrackingPage, validTrackingToken } from '../../../functions/tracking-page/tracking-page';
import { anApiEvent, anOrderId, lambdaContext, useStepWorld } from '../helpers/deps';
import {
  aDeliveredOrder,
  anOrder,
  aShippedOrder,
  noticeContext,
  ORDER_ID,
  withCustomer,
} from '../helpers/orders';

const SECRET = noticeContext.trackingLinkSecret;

/** The token of another character at `index`, whatever the character was. */
const tampered = (token: string, index: number): string =>
  token.slice(0, index) + (token[index] === '0' ? '1' : '0') + token.slice(index + 1);

describe('validTrackingToken', () => {
  it("accepts the order's link token", () => {
    // Act
    const valid = validTrackingToken(ORDER_ID, trackingToken(ORDER_ID, SECRET), SECRET);

    // Assess
    expect(valid).toBe(true);
  });

  it.each([0, 15, 31])('refuses the token with character %i changed', (index) => {
    // Act
    const valid = validTrackingToken(ORDER_ID, tampered(trackingToken(ORDER_ID, SECRET), index), SECRET);

    // Assess
    expect(valid).toBe(false);
  });

  it.each<[string, string | undefined]>([
    ['no token', undefined],
    ['an empty token', ''],
    ['a shortened token', trackingToken(ORDER_ID, SECRET).slice(0, 31)],
    ['a longer token', `${trackingToken(ORDER_ID, SECRET)}0`],
    ['the token of another order', trackingToken('ord_ffffffffffffffffffffffff', SECRET)],
    ['a token made with another key', trackingToken(ORDER_ID, 'another-secret')],
  ])('refuses %s', (_case, token) => {
    // Act
    const valid = validTrackingToken(ORDER_ID, token, SECRET);

    // Assess
    expect(valid).toBe(false);
  });

  it('refuses every token when there is no key', () => {
    // Act
    const valid = validTrackingToken(ORDER_ID, trackingToken(ORDER_ID, ''), '');

    // Assess
    expect(valid).toBe(false);
  });
});

describe('renderTrackingPage', () => {
  it('shows what the status means for the customer', () => {
    // Act
    const page = renderTrackingPage(aShippedOrder());

    // Assess
    expect(page).toContain('Your order has shipped.');
  });

  it("names the order by the storefront's reference", () => {
    // Act
    const page = renderTrackingPage(anOrder());

    // Assess
    expect(page).toContain('<title>Order 1001</title>');
  });

  it('shows the carrier, the tracking number, the carrier page and the expected day', () => {
    // Act
    const page = renderTrackingPage(aShippedOrder());

    // Assess
    expect(page).toContain('Carrier: sandbox · tracking number <b>SBX100000000001</b>');
    expect(page).toContain(
      '<a href="https://orders.example.com/_sandbox/track/SBX100000000001">carrier page</a>',
    );
    expect(page).toContain('Expected by Sat, 09 Mar 2030 10:00 UTC');
  });

  it('shows the delivery day once delivered', () => {
    // Act
    const page = renderTrackingPage(aDeliveredOrder());

    // Assess
    expect(page).toContain('Delivered Sat, 09 Mar 2030 10:00 UTC');
  });

  it('says when the parcel runs later than first promised', () => {
    // Prepare
    const shipped = aShippedOrder();
    const order = { ...shipped, shipment: { ...shipped.shipment!, delayed: true } };

    // Act
    const page = renderTrackingPage(order);

    // Assess
    expect(page).toContain('(later than first promised)');
  });

  it('shows no parcel before a label exists', () => {
    // Act
    const page = renderTrackingPage(anOrder());

    // Assess
    expect(page).not.toContain('Carrier:');
  });

  it('lists the milestones in words, without their details', () => {
    // Prepare
    const order: OrderRecord = {
      ...anOrder(),
      timeline: [
        { at: '2030-03-04T10:00:00.000Z', type: 'ORDER_RECEIVED', detail: {} },
        { at: '2030-03-04T10:05:00.000Z', type: 'PAYMENT_AUTHORIZED', detail: { amount: 4498 } },
      ],
    };

    // Act
    const page = renderTrackingPage(order);

    // Assess
    expect(page).toContain(
      '<ul><li>Mon, 04 Mar 2030 10:00 UTC — order received</li><li>Mon, 04 Mar 2030 10:05 UTC — payment authorized</li></ul>',
    );
    expect(page).not.toContain('4498');
  });

  it('shows nothing of the customer: no name, email, phone, address or billing address', () => {
    // Prepare
    const order = withCustomer(
      aShippedOrder({
        billingAddress: { line1: '10 Downing St', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
      }),
      { name: 'Ada Lovelace' },
    );

    // Act
    const page = renderTrackingPage(order);

    // Assess
    for (const personal of [
      'Ada',
      'Lovelace',
      'ada@example.com',
      '+14155550100',
      '4155550100',
      '1 Main St',
      'San Francisco',
      '94105',
      'Downing',
      'SW1A',
      'tok_visa',
    ]) {
      expect(page).not.toContain(personal);
    }
  });

  it("escapes the storefront's reference: the page runs no markup it was sent", () => {
    // Prepare
    const order = anOrder({ externalId: '<script>alert(1)</script>' });

    // Act
    const page = renderTrackingPage(order);

    // Assess
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;');
  });
});

describe('the tracking page handler', () => {
  const world = useStepWorld();
  const handler = createHandler(() => world.deps);

  const open = (orderId: string, token?: string): Promise<APIGatewayProxyResult> =>
    handler(
      anApiEvent({
        resource: '/track/{orderId}',
        path: `/track/${orderId}`,
        pathParameters: { orderId },
        queryStringParameters: token === undefined ? null : { t: token },
      }),
      lambdaContext('orderflow-tracking-page'),
    );

  const aStoredShippedOrder = () => world.storeOrder({ ...aShippedOrder(), orderId: anOrderId() });

  const notFound = [
    404,
    { error: { code: 'NOT_FOUND', message: 'this tracking link is not valid', details: [] } },
  ];

  /** Status and parsed body of an answer that should be the contract's 404. */
  const refusal = async (response: Promise<APIGatewayProxyResult>): Promise<[number, unknown]> => {
    const { statusCode, body } = await response;
    return [statusCode, JSON.parse(body) as unknown];
  };

  it('answers 200 with the page of the order for its link token', async () => {
    // Prepare
    const order = await aStoredShippedOrder();

    // Act
    const response = await open(order.orderId, trackingToken(order.orderId, SECRET));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(renderTrackingPage(await world.order(order.orderId)));
  });

  it('answers HTML that is neither cached nor leaks the link as a referrer', async () => {
    // Prepare
    const order = await aStoredShippedOrder();

    // Act
    const response = await open(order.orderId, trackingToken(order.orderId, SECRET));

    // Assess
    expect(response.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
  });

  it('answers 404 to a tampered token', async () => {
    // Prepare
    const order = await aStoredShippedOrder();

    // Act
    const response = refusal(open(order.orderId, tampered(trackingToken(order.orderId, SECRET), 0)));

    // Assess
    expect(await response).toEqual(notFound);
  });

  it('answers 404 without a token', async () => {
    // Prepare
    const order = await aStoredShippedOrder();

    // Act
    const response = refusal(open(order.orderId));

    // Assess
    expect(await response).toEqual(notFound);
  });

  it("answers 404 to another order's token", async () => {
    // Prepare
    const [order, other] = [await aStoredShippedOrder(), await aStoredShippedOrder()];

    // Act
    const response = refusal(open(order.orderId, trackingToken(other.orderId, SECRET)));

    // Assess
    expect(await response).toEqual(notFound);
  });

  it('answers an unknown order with a valid token exactly as a wrong token: ids cannot be probed', async () => {
    // Prepare
    const unknown = anOrderId();

    // Act
    const response = refusal(open(unknown, trackingToken(unknown, SECRET)));

    // Assess
    expect(await response).toEqual(notFound);
  });

  it.each(['../orders', 'ord with space', 'x'.repeat(65), ''])(
    'answers 404 to the order id %j, which no order has',
    async (orderId) => {
      // Act
      const response = refusal(open(orderId, trackingToken(orderId, SECRET)));

      // Assess
      expect(await response).toEqual(notFound);
    },
  );
});
