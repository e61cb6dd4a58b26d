// Customer notices: email to every customer, SMS only with a phone and opt-in, one key per template, cause and
// channel so a notice already sent is never planned again; and the tracking-link token in every email.
import { describe, expect, it } from 'vitest';
import { planNotice, trackingPageUrl, trackingToken, withNotices } from '../../../functions/domain/notices';
import { anOrder, noticeContext, T0, withCustomer } from '../helpers/orders';

describe('planNotice', () => {
  it('emails the customer', () => {
    // Prepare
    const order = withCustomer(anOrder(), { smsOptIn: false });

    // Act
    const notices = planNotice(order, 'order_confirmation', 'confirmed', noticeContext, T0);

    // Assess
    expect(notices.map((notice) => notice.entry)).toEqual([
      { at: T0, channel: 'email', template: 'order_confirmation', to: 'ada@example.com' },
    ]);
  });

  it('also texts a customer with a phone who opted in', () => {
    // Act
    const notices = planNotice(anOrder(), 'order_confirmation', 'confirmed', noticeContext, T0);

    // Assess
    expect(notices.map((notice) => [notice.entry.channel, notice.entry.to])).toEqual([
      ['email', 'ada@example.com'],
      ['sms', '+14155550100'],
    ]);
  });

  it('does not text a customer who did not opt in', () => {
    // Prepare
    const order = withCustomer(anOrder(), { phone: '+14155550100', smsOptIn: false });

    // Act
    const notices = planNotice(order, 'order_confirmation', 'confirmed', noticeContext, T0);

    // Assess
    expect(notices.map((notice) => notice.entry.channel)).toEqual(['email']);
  });

  it('does not text a customer who opted in without a phone', () => {
    // Prepare
    const order = withCustomer(anOrder(), { phone: undefined, smsOptIn: true });

    // Act
    const notices = planNotice(order, 'order_confirmation', 'confirmed', noticeContext, T0);

    // Assess
    expect(notices.map((notice) => notice.entry.channel)).toEqual(['email']);
  });

  it('keys each message by template, cause and channel', () => {
    // Act
    const notices = planNotice(anOrder(), 'delay_notice', '2030-03-11T10:00:00.000Z', noticeContext, T0);

    // Assess
    expect(notices.map((notice) => notice.key)).toEqual([
      'delay_notice:2030-03-11T10:00:00.000Z:email',
      'delay_notice:2030-03-11T10:00:00.000Z:sms',
    ]);
  });

  it('leaves out what was already sent for the same cause', () => {
    // Prepare
    const order = withNotices(
      anOrder(),
      planNotice(anOrder(), 'order_confirmation', 'confirmed', noticeContext, T0),
    );

    // Act
    const notices = planNotice(order, 'order_confirmation', 'confirmed', noticeContext, T0);

    // Assess
    expect(notices).toEqual([]);
  });

  it('plans the same template again for another cause', () => {
    // Prepare
    const order = withNotices(
      anOrder(),
      planNotice(anOrder(), 'delay_notice', 'first-estimate', noticeContext, T0),
    );

    // Act
    const notices = planNotice(order, 'delay_notice', 'later-estimate', noticeContext, T0);

    // Assess
    expect(notices.map((notice) => notice.key)).toEqual([
      'delay_notice:later-estimate:email',
      'delay_notice:later-estimate:sms',
    ]);
  });

  it('only plans the channel that was not sent yet', () => {
    // Prepare
    const [email] = planNotice(anOrder(), 'order_confirmation', 'confirmed', noticeContext, T0);
    const order = withNotices(anOrder(), email ? [email] : []);

    // Act
    const notices = planNotice(order, 'order_confirmation', 'confirmed', noticeContext, T0);

    // Assess
    expect(notices.map((notice) => notice.key)).toEqual(['order_confirmation:confirmed:sms']);
  });

  it('gives the email an HTML part beside its text, and the SMS none', () => {
    // Act
    const notices = planNotice(anOrder(), 'order_confirmation', 'confirmed', noticeContext, T0);

    // Assess
    expect(
      notices.map((notice) => [notice.entry.channel, notice.html.startsWith('<!DOCTYPE html>')]),
    ).toEqual([
      ['email', true],
      ['sms', false],
    ]);
    expect(notices[1]?.html).toBe('');
  });

  it("puts the customer's tracking page link into the email", () => {
    // Prepare
    const order = withCustomer(anOrder(), { smsOptIn: false });

    // Act
    const [email] = planNotice(order, 'order_confirmation', 'confirmed', noticeContext, T0);

    // Assess
    expect(email?.text).toContain(trackingPageUrl(order, noticeContext));
  });
});

describe('trackingToken', () => {
  it('gives the same token for the same order and secret', () => {
    // Act
    const tokens = [trackingToken('ord_1', 'secret'), trackingToken('ord_1', 'secret')];

    // Assess
    expect(tokens[0]).toBe(tokens[1]);
  });

  it('gives another order another token', () => {
    // Act
    const tokens = [trackingToken('ord_1', 'secret'), trackingToken('ord_2', 'secret')];

    // Assess
    expect(tokens[0]).not.toBe(tokens[1]);
  });

  it('gives another secret another token', () => {
    // Act
    const tokens = [trackingToken('ord_1', 'secret'), trackingToken('ord_1', 'other-secret')];

    // Assess
    expect(tokens[0]).not.toBe(tokens[1]);
  });

  it('is 32 hex digits long', () => {
    // Act
    const token = trackingToken('ord_1', 'secret');

    // Assess
    expect(token).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('trackingPageUrl', () => {
  it("links to the order's tracking page with its token", () => {
    // Prepare
    const order = anOrder();

    // Act
    const url = trackingPageUrl(order, noticeContext);

    // Assess
    expect(url).toBe(
      `https://orders.example.com/track/${order.orderId}?t=${trackingToken(order.orderId, noticeContext.trackingLinkSecret)}`,
    );
  });
});
