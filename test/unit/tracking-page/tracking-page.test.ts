// The customer tracking page (`GET /track/{orderId}?t=<token>`, no API key): the link's token opens the page of
// that order only; a wrong, tampered or missing token and an unknown order all get the same 404; the page lays
// out its view (tracking-view.test.ts) escaped, refreshes itself until the order is settled, and its CSP allows
// its own script and style only.
import { createHash } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { trackingToken } from '../../../functions/domain/notices';
import { createHandler } from '../../../functions/tracking-page/handler';
import {
  refreshSeconds,
  renderTrackingPage,
  trackingPageCsp,
  validTrackingToken,
} from '../../../functions/tracking-page/tracking-page';
import { anApiEvent, anOrderId, lambdaContext, useStepWorld } from '../helpers/deps';
import {
  aDeliveredOrder,
  anOrder,
  aReturn,
  aShippedOrder,
  aUsAddress,
  noticeContext,
  ORDER_ID,
  withCustomer,
  withReturns,
} from '../helpers/orders';

const SECRET = noticeContext.trackingLinkSecret;

/** The contents of the page's inline `<script>` and `<style>` elements. */
const inlineScripts = (page: string): string[] =>
  [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
const inlineStyles = (page: string): string[] =>
  [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1]!);

/** The CSP source of a script or stylesheet allowed by its hash. */
const hashSource = (source: string): string =>
  `'sha256-${createHash('sha256').update(source).digest('base64')}'`;

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
    expect(page).toContain('<p class="headline">Your order has shipped.</p>');
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
    expect(page).toContain('Carrier: sandbox · tracking number <code>SBX100000000001</code>');
    expect(page).toContain('href="https://orders.example.com/_sandbox/track/SBX100000000001"');
    expect(page).toContain('Expected by Sat, 09 Mar 2030 10:00 UTC');
  });

  it('shows no parcel before a label exists', () => {
    // Act
    const page = renderTrackingPage(anOrder());

    // Assess
    expect(page).not.toContain('Carrier:');
  });

  it('lists the items and the totals', () => {
    // Act
    const page = renderTrackingPage(aShippedOrder());

    // Assess
    expect(page).toContain(
      '<td>T-shirt<span class="sku">SKU-TSHIRT</span></td><td class="n">2 × $19.99</td><td class="n">$39.98</td>',
    );
    expect(page).toContain('<th colspan="2">Total</th><td class="n">$44.98</td>');
  });

  it('lists the milestones with their time', () => {
    // Act
    const page = renderTrackingPage(anOrder());

    // Assess
    expect(page).toContain(
      '<ol><li><time datetime="2030-03-04T10:00:00.000Z">Mon, 04 Mar 2030 10:00 UTC</time> — Order received</li></ol>',
    );
  });

  it('shows each return with its tracking number while it is open', () => {
    // Act
    const page = renderTrackingPage(withReturns(aDeliveredOrder(), aReturn()));

    // Assess
    expect(page).toContain('<h2>Returns</h2>');
    expect(page).toContain('Return tracking number <code>SBX900000000001</code>');
    expect(page).toContain('We refund $39.98 to your original payment method once it is back.');
  });

  it('shows nothing of the customer: no name, email, phone, address or billing address', () => {
    // Prepare
    const order = withCustomer(
      aShippedOrder({
        shippingAddress: aUsAddress({ line1: '77 Xylophone Lane', city: 'Quuxville', postalCode: '90210' }),
        billingAddress: {
          line1: '10 Zither Road',
          city: 'Plughampton',
          postalCode: 'ZZ9 9ZZ',
          country: 'GB',
        },
      }),
      { name: 'Zebulon Quartermaine', email: 'zebulon.q@example.net', phone: '+14155559876' },
    );

    // Act
    const page = renderTrackingPage(order);

    // Assess
    for (const personal of [
      'Zebulon',
      'Quartermaine',
      'zebulon.q@example.net',
      '4155559876',
      'Xylophone',
      'Quuxville',
      '90210',
      'Zither',
      'Plughampton',
      'ZZ9',
      'tok_visa',
    ]) {
      expect(page).not.toContain(personal);
    }
  });

  it('escapes what the storefront sent: the page runs no markup from a reference or an item', () => {
    // Prepare
    const order = anOrder({
      externalId: '<script>alert(1)</script>',
      items: [{ sku: 'SKU-"X"', name: '<img src=x onerror=alert(2)>', quantity: 1, unitPrice: 100 }],
    });

    // Act
    const page = renderTrackingPage(order);

    // Assess
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page).toContain('Order &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(page).toContain('SKU-&quot;X&quot;');
  });

  it('refreshes itself while the order can still change', () => {
    // Act
    const page = renderTrackingPage(aShippedOrder());

    // Assess
    expect(page).toContain('<main data-final="false"');
    expect(inlineScripts(page)).toHaveLength(1);
    expect(inlineScripts(page)[0]).toContain(`setTimeout(refresh, ${refreshSeconds * 1000})`);
  });

  it('carries no script once the order is settled', () => {
    // Act
    const page = renderTrackingPage(aDeliveredOrder());

    // Assess
    expect(page).toContain('<main data-final="true"');
    expect(inlineScripts(page)).toEqual([]);
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
      'x-content-type-options': 'nosniff',
      'content-security-policy': trackingPageCsp,
    });
  });

  it("lets the page run its own inline script and style, and nothing else, by the CSP's hashes", async () => {
    // Prepare
    const order = await aStoredShippedOrder();

    // Act
    const response = await open(order.orderId, trackingToken(order.orderId, SECRET));

    // Assess
    const csp = String(response.headers?.['content-security-policy']);
    const directive = (name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));
    expect(directive('default-src')).toBe("default-src 'none'");
    expect(directive('script-src')).toBe(
      `script-src ${inlineScripts(response.body).map(hashSource).join(' ')}`,
    );
    expect(directive('style-src')).toBe(`style-src ${inlineStyles(response.body).map(hashSource).join(' ')}`);
    expect(directive('connect-src')).toBe("connect-src 'self'");
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
