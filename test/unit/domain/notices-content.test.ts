// What every customer notice tells: the order (items, prices, totals, address), the links to follow it, what the
// notice is about (dates, parcel, refund, return label), the return policy and the store's support contact; the
// HTML and text parts carry the same facts, user data is escaped in the HTML, and the SMS fits one segment.
import { describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../../functions/domain/order';
import {
  noticeTemplates,
  planNotice,
  trackingPageUrl,
  type NoticeContext,
  type NoticeDetail,
  type NoticeTemplate,
  type PlannedNotice,
} from '../../../functions/domain/notices';
import {
  aDeliveredOrder,
  anOrder,
  aReturn,
  aShipment,
  aShippedOrder,
  daysAfter,
  noticeContext,
  PROMISED,
  RETURN_ID,
  T0,
  withCustomer,
  withReturns,
} from '../helpers/orders';

// ---- Reading a rendered notice --------------------------------------------------------------------------------

const entities: Record<string, string> = {
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&amp;': '&',
};
const decode = (html: string): string =>
  html.replace(/&(lt|gt|quot|#39|amp);/g, (entity) => entities[entity]!);

/**
 * The text a reader of the HTML part sees, on one line: the head left out, inline tags dropped, other tags as
 * spaces, entities decoded. (Every `<` of user data is escaped, so each `<` left in the HTML starts a tag.)
 */
const visibleText = (html: string): string =>
  decode(
    html
      .replace(/<head>[\s\S]*<\/head>/, ' ')
      .replace(/<\/?(a|span|b)\b[^>]*>/g, '')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();

/** The two parts of an email as a reader sees them: the text part, and the HTML part's visible text. */
const bothParts = (email: PlannedNotice): [string, string] => [email.text, visibleText(email.html)];

const hrefs = (html: string): string[] =>
  [...html.matchAll(/href="([^"]*)"/g)].map((match) => decode(match[1]!));

const VOID_ELEMENTS = new Set(['br', 'meta', 'img', 'hr', 'link', 'input']);

/** The elements the HTML opens and does not close, or closes without opening; empty when well formed. */
const unbalancedTags = (html: string): string[] => {
  const open: string[] = [];
  const problems: string[] = [];
  for (const [, closing, name] of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>/g)) {
    const tag = name!.toLowerCase();
    if (VOID_ELEMENTS.has(tag)) continue;
    if (!closing) open.push(tag);
    else if (open.pop() !== tag) problems.push(`</${tag}>`);
  }
  return [...problems, ...open.map((tag) => `<${tag}>`)];
};

/** The 160 characters one SMS segment holds: the GSM 7-bit default alphabet. */
const GSM_7 = /^[A-Za-z0-9 \n\r@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà]*$/;

// ---- The orders each notice is about ----------------------------------------------------------------------------

/** Two lines, a tax and shipping, so that every amount of the summary differs: 39.98 + 12.50 = 52.48, + 5.00 + 4.20. */
const withTwoLines = (order: OrderRecord): OrderRecord => ({
  ...order,
  items: [
    { sku: 'SKU-TSHIRT', name: 'T-shirt', quantity: 2, unitPrice: 1999 },
    { sku: 'SKU-MUG', name: 'Mug', quantity: 1, unitPrice: 1250 },
  ],
  shippingAmount: 500,
  tax: 420,
  total: 6168,
});

/** The carrier's later estimate: three days after the promised day (Tue, 12 Mar 2030). */
const LATER = daysAfter(PROMISED, 3);

const returned = () => withReturns(aDeliveredOrder(), aReturn());

/** An order at the point where each notice is sent, and what the notice is told. */
const cases: Readonly<Record<NoticeTemplate, () => { order: OrderRecord; detail?: NoticeDetail }>> = {
  order_confirmation: () => ({ order: anOrder({ status: 'CONFIRMED' }) }),
  order_rejected: () => ({ order: anOrder(), detail: { reason: 'an item is out of stock' } }),
  shipping_confirmation: () => ({ order: aShippedOrder() }),
  delay_notice: () => ({ order: aShippedOrder({ shipment: aShipment({ estimatedDelivery: LATER }) }) }),
  out_for_delivery: () => ({
    order: aShippedOrder({ status: 'OUT_FOR_DELIVERY', shipment: aShipment({ status: 'out_for_delivery' }) }),
  }),
  delivered: () => ({ order: aDeliveredOrder() }),
  cancellation_confirmation: () => ({ order: anOrder(), detail: { reason: 'as you asked' } }),
  intercept_requested: () => ({ order: aShippedOrder({ status: 'INTERCEPT_REQUESTED' }) }),
  return_label: () => ({ order: returned(), detail: { returnId: RETURN_ID } }),
  refund_issued: () => ({
    order: returned(),
    detail: { returnId: RETURN_ID, amount: 3998, refundTo: 'original_payment' },
  }),
  delivery_failed: () => ({ order: aShippedOrder({ status: 'DELIVERY_FAILED' }) }),
};

const notices = (
  template: NoticeTemplate,
  order: OrderRecord,
  detail: NoticeDetail = {},
  ctx: NoticeContext = noticeContext,
): PlannedNotice[] => planNotice(order, template, 'cause', ctx, T0, detail);

const emailOf = (
  template: NoticeTemplate,
  order: OrderRecord,
  detail: NoticeDetail = {},
  ctx = noticeContext,
) => notices(template, order, detail, ctx).find((notice) => notice.entry.channel === 'email')!;

const smsOf = (template: NoticeTemplate, order: OrderRecord, detail: NoticeDetail = {}) =>
  notices(template, order, detail).find((notice) => notice.entry.channel === 'sms')!;

/** The email of `template` for its usual order, with two lines, tax and shipping. */
const typicalEmail = (template: NoticeTemplate): PlannedNotice => {
  const { order, detail } = cases[template]();
  return emailOf(template, withTwoLines(order), detail);
};

// ---- Every notice ----------------------------------------------------------------------------------------------

describe.each(noticeTemplates)('the %s email', (template) => {
  it('lists each item with its quantity, unit price and line price', () => {
    // Act
    const email = typicalEmail(template);

    // Assess
    const [text, html] = bothParts(email);
    expect(text).toContain('2 × T-shirt (SKU-TSHIRT), $19.99 each: $39.98');
    expect(text).toContain('1 × Mug (SKU-MUG), $12.50 each: $12.50');
    expect(html).toContain('T-shirt SKU-TSHIRT 2 $19.99 $39.98');
    expect(html).toContain('Mug SKU-MUG 1 $12.50 $12.50');
  });

  it('gives the subtotal, shipping, tax and total', () => {
    // Act
    const [text, html] = bothParts(typicalEmail(template));

    // Assess
    expect(text).toContain('Subtotal: $52.48\n  Shipping (Standard): $5.00\n  Tax: $4.20\n  Total: $61.68');
    expect(html).toContain('Subtotal $52.48 Shipping (Standard) $5.00 Tax $4.20 Total $61.68');
  });

  it('names the order by the number the customer knows, and shows where it goes', () => {
    // Act
    const email = typicalEmail(template);

    // Assess
    const [text, html] = bothParts(email);
    expect(email.subject).toContain('Order 1001');
    expect(text).toContain(
      'Shipping to:\n  Ada Lovelace\n  1 Main St\n  San Francisco, CA 94105\n  United States',
    );
    expect(html).toContain('Order 1001');
    expect(html).toContain('Shipping to Ada Lovelace 1 Main St San Francisco, CA 94105 United States');
  });

  it("links the order's tracking page", () => {
    // Prepare
    const { order } = cases[template]();

    // Act
    const email = typicalEmail(template);

    // Assess
    const link = trackingPageUrl(order, noticeContext);
    expect(email.text).toContain(`Follow your order: ${link}\n`);
    expect(hrefs(email.html)).toContain(link);
  });

  it('names the store and the support contact (email and help page)', () => {
    // Act
    const email = typicalEmail(template);

    // Assess
    const [text, html] = bothParts(email);
    const support =
      'Questions? Write to help@orders.example.com or visit https://orders.example.com/help. Orderflow Test Store';
    expect(text.replace(/\n/g, ' ')).toContain(support);
    expect(html).toContain(support);
    expect(hrefs(email.html)).toEqual(
      expect.arrayContaining(['mailto:help@orders.example.com', 'https://orders.example.com/help']),
    );
  });

  it('carries the same amounts, dates and links in the text and the HTML part', () => {
    // Act
    const email = typicalEmail(template);

    // Assess
    const [text, html] = bothParts(email);
    const facts = (part: string) => ({
      amounts: new Set(part.match(/\$\d[\d,]*\.\d\d/g)),
      dates: new Set(part.match(/\w{3}, \d\d \w{3} \d{4}/g)),
    });
    const textLinks = (email.text.match(/https?:\/\/\S+/g) ?? []).map((url) => url.replace(/\.$/, ''));
    expect(facts(html)).toEqual(facts(text));
    expect(new Set(hrefs(email.html).filter((href) => !href.startsWith('mailto:')))).toEqual(
      new Set(textLinks),
    );
  });

  it('is a whole HTML document in English, well formed, that loads nothing from elsewhere', () => {
    // Act
    const { html } = typicalEmail(template);

    // Assess
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(unbalancedTags(html)).toEqual([]);
    expect(html).not.toMatch(/<img|<link|<script|<style|src=|url\(/i);
  });

  it('says it in a subject, a hidden preheader and the greeting', () => {
    // Act
    const email = typicalEmail(template);

    // Assess
    expect(email.html).toContain(`<title>${email.subject}</title>`);
    expect(email.html).toMatch(/<div style="display:none;[^"]*">[^<]+<\/div>/);
    expect(bothParts(email).map((part) => part.includes('Hello Ada Lovelace,'))).toEqual([true, true]);
  });

  it('fits its SMS in one segment of the GSM alphabet', () => {
    // Prepare
    const { order, detail } = cases[template]();

    // Act
    const sms = smsOf(template, withTwoLines(order), detail);

    // Assess
    expect(sms.text.length).toBeLessThanOrEqual(160);
    expect(sms.text).toMatch(GSM_7);
    expect(sms.text).toContain('1001');
  });
});

// ---- Links to the parcel -----------------------------------------------------------------------------------------

describe('the carrier tracking link', () => {
  it('is in an email about a parcel with a label, in both parts', () => {
    // Act
    const email = emailOf('shipping_confirmation', aShippedOrder());

    // Assess
    expect(email.text).toContain(`Carrier tracking: ${aShipment().trackingUrl}\n`);
    expect(hrefs(email.html)).toContain(aShipment().trackingUrl);
  });

  it('is not in an email before a label was bought', () => {
    // Act
    const email = emailOf('order_confirmation', anOrder({ status: 'CONFIRMED' }));

    // Assess
    expect(email.text).not.toContain('Carrier tracking');
    expect(email.html).not.toContain('Carrier tracking');
  });

  it('is not in an email once the label was voided', () => {
    // Prepare
    const order = anOrder({
      status: 'CANCELLED',
      shipment: aShipment({ status: 'voided', shippedAt: undefined }),
    });

    // Act
    const email = emailOf('cancellation_confirmation', order);

    // Assess
    expect(email.text).not.toContain(aShipment().trackingUrl);
    expect(hrefs(email.html)).not.toContain(aShipment().trackingUrl);
  });

  it('is left out of both parts when the carrier gave something other than a web address', () => {
    // Prepare
    const order = aShippedOrder({ shipment: aShipment({ trackingUrl: 'javascript:alert(1)' }) });

    // Act
    const email = emailOf('shipping_confirmation', order);

    // Assess
    expect(email.text).not.toContain('javascript:');
    expect(email.html).not.toContain('javascript:');
  });
});

describe('the SMS', () => {
  it.each(['order_confirmation', 'shipping_confirmation', 'delay_notice', 'out_for_delivery'] as const)(
    'of %s links the tracking page',
    (template) => {
      // Prepare
      const { order } = cases[template]();

      // Act
      const sms = smsOf(template, order);

      // Assess
      expect(sms.text).toContain(trackingPageUrl(order, noticeContext));
    },
  );

  it('starts with the store name when it fits', () => {
    // Act
    const sms = smsOf('delivered', aDeliveredOrder());

    // Assess
    expect(sms.text).toBe('Orderflow Test Store: Order 1001 was delivered.');
  });

  it('leaves the store name out rather than take a second segment', () => {
    // Prepare
    const order = aShippedOrder({ externalId: 'STOREFRONT-ORDER-0000000001' });

    // Act
    const sms = smsOf('shipping_confirmation', order);

    // Assess
    expect(sms.text).toBe(
      `Order STOREFRONT-ORDER-0000000001 has shipped, expected Mar 9: ${trackingPageUrl(order, noticeContext)}`,
    );
  });

  it("links the return label in the return label's SMS", () => {
    // Act
    const sms = smsOf('return_label', returned(), { returnId: RETURN_ID });

    // Assess
    expect(sms.text).toContain(aReturn().labelUrl);
  });
});

// ---- What each notice is about ------------------------------------------------------------------------------------

describe('the order confirmation', () => {
  it('thanks the customer and gives the total, the order date and the delivery service', () => {
    // Act
    const [text, html] = bothParts(emailOf('order_confirmation', anOrder({ status: 'CONFIRMED' })));

    // Assess
    for (const part of [text, html]) {
      expect(part).toContain('Thank you for your order 1001 ($44.98).');
      expect(part).toMatch(/Ordered on:? Mon, 04 Mar 2030/);
      expect(part).toMatch(/Delivery:? Standard/);
    }
  });
});

describe('the rejection', () => {
  it('says why, and that nothing was charged', () => {
    // Act
    const [text, html] = bothParts(
      emailOf('order_rejected', anOrder(), { reason: 'an item is out of stock' }),
    );

    // Assess
    const sentence =
      'your order 1001 could not be accepted (an item is out of stock). You have not been charged.';
    expect([text, html].map((part) => part.includes(sentence))).toEqual([true, true]);
  });
});

describe('the shipping confirmation', () => {
  it('gives the carrier, the tracking number and the expected delivery day', () => {
    // Act
    const [text, html] = bothParts(emailOf('shipping_confirmation', aShippedOrder()));

    // Assess
    expect(text).toContain(
      'Carrier: sandbox\nTracking number: SBX100000000001\nExpected delivery: Sat, 09 Mar 2030',
    );
    expect(html).toContain(
      'Carrier sandbox Tracking number SBX100000000001 Expected delivery Sat, 09 Mar 2030',
    );
  });
});

describe('the return policy', () => {
  it.each(['shipping_confirmation', 'delivered'] as const)('is in the %s, in both parts', (template) => {
    // Act
    const [text, html] = bothParts(typicalEmail(template));

    // Assess
    const policy =
      'Returns: you can return items within 30 days of delivery. To start a return, write to help@orders.example.com.';
    expect([text, html].map((part) => part.includes(policy))).toEqual([true, true]);
  });

  it("gives the stage's return window", () => {
    // Act
    const email = emailOf('delivered', aDeliveredOrder(), {}, { ...noticeContext, returnWindowDays: 14 });

    // Assess
    expect(bothParts(email).map((part) => part.includes('within 14 days of delivery'))).toEqual([true, true]);
  });

  it.each(['order_confirmation', 'delay_notice', 'refund_issued'] as const)(
    'is not in the %s',
    (template) => {
      // Act
      const email = typicalEmail(template);

      // Assess
      expect(email.text).not.toContain('Returns:');
      expect(email.html).not.toContain('Returns:');
    },
  );
});

describe('the delay notice', () => {
  it('gives the new expected day and the day first promised', () => {
    // Act
    const email = emailOf(
      'delay_notice',
      aShippedOrder({ shipment: aShipment({ estimatedDelivery: LATER }) }),
    );

    // Assess
    const [text, html] = bothParts(email);
    expect(text).toContain('The carrier now expects to deliver it by Tue, 12 Mar 2030.');
    expect(text).toContain('New expected delivery: Tue, 12 Mar 2030\nFirst promised: Sat, 09 Mar 2030');
    expect(html).toContain('New expected delivery Tue, 12 Mar 2030 First promised Sat, 09 Mar 2030');
  });

  it('puts the new day into the SMS', () => {
    // Act
    const sms = smsOf('delay_notice', aShippedOrder({ shipment: aShipment({ estimatedDelivery: LATER }) }));

    // Assess
    expect(sms.text).toContain('Order 1001 is delayed, now expected Mar 12:');
  });

  it('promises no new day when the deadline passed without one', () => {
    // Act
    const email = emailOf('delay_notice', aShippedOrder());

    // Assess
    const [text, html] = bothParts(email);
    expect(text).toContain('it was due by Sat, 09 Mar 2030 and the carrier has not given a new date yet.');
    expect(html).not.toContain('New expected delivery');
  });
});

describe('the out-for-delivery notice', () => {
  it('says the parcel comes today, with its tracking number', () => {
    // Act
    const [text, html] = bothParts(typicalEmail('out_for_delivery'));

    // Assess
    for (const part of [text, html]) {
      expect(part).toContain('Your order 1001 is out for delivery today.');
      expect(part).toContain('SBX100000000001');
    }
  });
});

describe('the delivery notice', () => {
  it('gives the day of delivery', () => {
    // Act
    const [text, html] = bothParts(emailOf('delivered', aDeliveredOrder()));

    // Assess
    expect(text).toContain('Delivered on: Sat, 09 Mar 2030');
    expect(html).toContain('Delivered on Sat, 09 Mar 2030');
  });
});

describe('the delivery failure', () => {
  it('tells the customer the payment was refunded', () => {
    // Act
    const [text, html] = bothParts(typicalEmail('delivery_failed'));

    // Assess
    const sentence = 'The carrier could not deliver your order 1001. Your payment has been refunded';
    expect([text, html].map((part) => part.includes(sentence))).toEqual([true, true]);
  });
});

describe('the cancellation confirmation', () => {
  it('says nothing was charged before shipment', () => {
    // Act
    const [text, html] = bothParts(
      emailOf('cancellation_confirmation', anOrder(), { reason: 'as you asked' }),
    );

    // Assess
    const sentence = 'Your order 1001 was cancelled (as you asked). You have not been charged.';
    expect([text, html].map((part) => part.includes(sentence))).toEqual([true, true]);
  });

  it('gives the amount refunded after shipment', () => {
    // Act
    const [text, html] = bothParts(emailOf('cancellation_confirmation', aShippedOrder(), { amount: 4498 }));

    // Assess
    expect(text).toContain('We refunded $44.98 to your original payment method.');
    expect(text).toContain('Refunded: $44.98');
    expect(html).toContain('Refunded $44.98');
  });
});

describe('the intercept notice', () => {
  it('names the carrier bringing the parcel back', () => {
    // Act
    const [text, html] = bothParts(typicalEmail('intercept_requested'));

    // Assess
    const sentence = 'we have asked sandbox to stop your order 1001 and bring it back to us.';
    expect([text, html].map((part) => part.includes(sentence))).toEqual([true, true]);
  });
});

describe('the return label', () => {
  it('links the label and gives the return, its items, tracking number, refund and last day', () => {
    // Act
    const email = emailOf('return_label', returned(), { returnId: RETURN_ID });

    // Assess
    const [text, html] = bothParts(email);
    const lastDay = new Date(aReturn().expiresAt).toUTCString().slice(0, 16);
    expect(text).toContain(`Print your return label: ${aReturn().labelUrl}\n`);
    expect(hrefs(email.html)).toContain(aReturn().labelUrl);
    expect(text).toContain(
      `Return: ${RETURN_ID}\nItems: 2 × T-shirt\nReturn tracking number: SBX900000000001\nRefund: $39.98\nSend it by: ${lastDay}`,
    );
    expect(html).toContain(
      `Return ${RETURN_ID} Items 2 × T-shirt Return tracking number SBX900000000001 Refund $39.98 Send it by ${lastDay}`,
    );
  });

  it('says when the refund is store credit', () => {
    // Prepare
    const order = withReturns(aDeliveredOrder(), aReturn({ refundTo: 'store_credit' }));

    // Act
    const [text, html] = bothParts(emailOf('return_label', order, { returnId: RETURN_ID }));

    // Assess
    const sentence = 'Once the parcel is back with us we refund $39.98 as store credit.';
    expect([text, html].map((part) => part.includes(sentence))).toEqual([true, true]);
  });
});

describe('the refund notice', () => {
  it('gives the amount, where it went and the return', () => {
    // Act
    const email = emailOf('refund_issued', returned(), {
      returnId: RETURN_ID,
      amount: 1999,
      refundTo: 'store_credit',
    });

    // Assess
    const [text, html] = bothParts(email);
    expect(text).toContain('We have refunded $19.99 for order 1001 as store credit.');
    expect(text).toContain(`Refunded: $19.99\nRefunded to: Store credit\nReturn: ${RETURN_ID}`);
    expect(html).toContain(`Refunded $19.99 Refunded to Store credit Return ${RETURN_ID}`);
  });
});

// ---- Escaping -----------------------------------------------------------------------------------------------------

describe('user data in the HTML part', () => {
  const hostile = `<script>alert("x")</script> O'Brien & Co`;
  const hostileOrder = (): OrderRecord =>
    withCustomer(
      aShippedOrder({
        externalId: `<b>1001</b>`,
        items: [{ sku: `<script>"'&`, name: hostile, quantity: 1, unitPrice: 3998 }],
        shippingAddress: {
          line1: `1 <i>Main</i> St & "Co"`,
          city: "Sa'n <Francisco>",
          postalCode: '94105',
          country: 'US',
        },
      }),
      { name: hostile },
    );

  it('is escaped: no markup of it reaches the HTML', () => {
    // Act
    const { html } = emailOf('shipping_confirmation', hostileOrder());

    // Assess
    expect(html).not.toMatch(/<script|<b>|<i>|<Francisco>/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; Co');
    expect(html).toContain('&lt;script&gt;&quot;&#39;&amp;');
    expect(html).toContain('1 &lt;i&gt;Main&lt;/i&gt; St &amp; &quot;Co&quot;');
    expect(unbalancedTags(html)).toEqual([]);
  });

  it('reads to the customer exactly as given, as the text part does', () => {
    // Act
    const email = emailOf('shipping_confirmation', hostileOrder());

    // Assess
    for (const part of bothParts(email)) {
      expect(part).toContain(`Hello ${hostile},`);
      expect(part).toContain(`<script>"'&`);
      expect(part).toContain(`1 <i>Main</i> St & "Co"`);
      expect(part).toContain('Order <b>1001</b>');
    }
  });

  it('includes the store name from the config, escaped', () => {
    // Prepare
    const ctx = {
      ...noticeContext,
      store: { name: `Ben & Jerry's <Shop>`, supportEmail: 'help@example.com' },
    };

    // Act
    const { html } = emailOf('order_confirmation', anOrder(), {}, ctx);

    // Assess
    expect(html).toContain('Ben &amp; Jerry&#39;s &lt;Shop&gt;');
    expect(html).not.toContain('<Shop>');
  });
});
