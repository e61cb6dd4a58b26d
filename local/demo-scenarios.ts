// The scenarios of `npm run demo`, as pure data: the order each one posts, what it does to the order afterwards, and
// the final status and cause it must end in. The driver (demo-driver.ts) plays them against a running system; the
// judging of an order against its expectation and the printed table are here too, so they can be unit tested.
//
// Every scenario reaches its outcome for its own reason. Each run uses its own SKUs and a customer email per
// scenario, so no scenario trips the risk rules' velocity counts of another or of an earlier run; totals stay below
// the high-value rule and billing matches shipping. The worst the shared sandbox card and loopback IP add is 45
// points (docs/risk.md), under the review band. Only the fraud scenario trips the rules, on purpose.
import type { CancelRequest, CreateOrderRequest, LineItem, OrderStatus } from '../functions/domain/requests';
import type { OrderView, PaymentStatus } from '../functions/domain/order';
import type { TrackingStatus } from '../functions/domain/providers';

/** Something the demo does to a posted order, in order. */
export type DemoStep =
  /** Wait until the order reaches this status (or one past it), within this many business days. */
  | { kind: 'await'; status: OrderStatus; withinDays: number }
  /** The warehouse hands the parcel to the carrier (`POST /orders/{id}/ship`). */
  | { kind: 'ship' }
  | { kind: 'cancel'; reason: CancelRequest['reason'] }
  /** The customer sends everything back (`POST /orders/{id}/returns`). */
  | { kind: 'return'; reason: string }
  /**
   * The carrier's scans of the outbound parcel or of the return parcel. With the carrier simulation on the simulator
   * sends them by itself; with it off the demo posts them as sandbox webhooks. `late`: the parcel announces the
   * sandbox's delayed estimate, as it does for a `DELAY` address.
   */
  | { kind: 'carrier'; parcel: 'outbound' | 'return'; scans: TrackingStatus[]; late?: boolean };

/** How an order ended, in the words of the table: its status, why, and where the money is. */
export interface DemoOutcome {
  status: OrderStatus;
  cause: string;
  payment: PaymentStatus;
}

export interface DemoScenario {
  name: string;
  request: CreateOrderRequest;
  steps: DemoStep[];
  /** Bound of the wait for the final status after the last step, in business days. */
  settleWithinDays: number;
  expected: DemoOutcome;
}

/** A SKU the demo creates and stocks for its run. */
export interface DemoSku {
  sku: string;
  name: string;
  unitPrice: number;
  available: number;
}

/** The demo's catalog for one run: SKUs of its own, never the seeded catalog's (local/seed.ts). */
export const demoStock = (runId: string): { mug: DemoSku; watch: DemoSku; soldOut: DemoSku } => ({
  mug: { sku: `DEMO-${runId}-MUG`, name: 'Demo mug', unitPrice: 1299, available: 50 },
  watch: { sku: `DEMO-${runId}-WATCH`, name: 'Demo watch', unitPrice: 50_000, available: 5 },
  // Stocked with nothing: the out-of-stock scenario orders it.
  soldOut: { sku: `DEMO-${runId}-POSTER`, name: 'Demo poster (sold out)', unitPrice: 2500, available: 0 },
});

const line = (sku: DemoSku, quantity = 1): LineItem => ({
  sku: sku.sku,
  name: sku.name,
  quantity,
  unitPrice: sku.unitPrice,
});

/** An order of one scenario: its own external id and customer email, a US address, the sandbox's good card. */
const orderOf = (
  runId: string,
  key: string,
  items: LineItem[],
  patch: Partial<CreateOrderRequest> = {},
): CreateOrderRequest => {
  const request: CreateOrderRequest = {
    externalId: `demo-${runId}-${key}`,
    customer: {
      name: 'Demo Customer',
      email: `demo-${runId}-${key}@example.com`,
      phone: '+14155550100',
      smsOptIn: true,
    },
    shippingAddress: {
      line1: '1 Main St',
      line2: '',
      city: 'San Francisco',
      region: 'CA',
      postalCode: '94105',
      country: 'US',
    },
    items,
    currency: 'USD',
    shipping: { service: 'standard', amount: 500 },
    tax: 0,
    total: 0,
    payment: { provider: 'sandbox', token: 'tok_visa' },
    ...patch,
  };
  const itemsTotal = request.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  return { ...request, total: itemsTotal + request.shipping.amount + request.tax };
};

const untilLabel: DemoStep = { kind: 'await', status: 'LABEL_CREATED', withinDays: 1 };
const wholeJourney: TrackingStatus[] = ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered'];
/** A standard parcel is delivered 5 business days after its label, a delayed one 2 later (docs/sandbox.md). */
const deliveryDays = 5;
const delayDays = 2;
/** A return parcel is back at the warehouse 3 business days after its label. */
const returnDays = 3;
/** With the carrier simulation on, the slowest scenario (a delivery, then a return) takes this many business days. */
export const slowestScenarioDays = deliveryDays + returnDays;

/** Every scenario of one run; `runId` makes their SKUs, external ids and emails unique. */
export const demoScenarios = (runId: string): DemoScenario[] => {
  const { mug, watch, soldOut } = demoStock(runId);
  return [
    {
      name: 'happy path',
      request: orderOf(runId, 'happy', [line(mug, 2)]),
      steps: [untilLabel, { kind: 'ship' }, { kind: 'carrier', parcel: 'outbound', scans: wholeJourney }],
      settleWithinDays: deliveryDays + 1,
      expected: { status: 'DELIVERED', cause: 'on time', payment: 'CAPTURED' },
    },
    {
      name: 'declined card',
      request: orderOf(runId, 'declined', [line(mug)], {
        payment: { provider: 'sandbox', token: 'tok_chargeDeclined' },
      }),
      steps: [],
      settleWithinDays: 1,
      expected: { status: 'REJECTED', cause: 'PAYMENT_DECLINED', payment: 'DECLINED' },
    },
    {
      name: 'out of stock',
      request: orderOf(runId, 'stock', [line(soldOut)]),
      steps: [],
      settleWithinDays: 1,
      expected: { status: 'REJECTED', cause: 'OUT_OF_STOCK', payment: 'PENDING' },
    },
    {
      // A first order worth 1,005.00 from a disposable address, billed abroad: 100 points, rejected outright.
      name: 'suspected fraud',
      request: {
        ...orderOf(runId, 'fraud', [line(watch, 2)]),
        customer: {
          name: 'Demo Customer',
          email: `demo-${runId}-fraud@mailinator.com`,
          smsOptIn: false,
        },
        billingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
      },
      steps: [],
      settleWithinDays: 1,
      expected: { status: 'REJECTED', cause: 'FRAUD_SUSPECTED', payment: 'PENDING' },
    },
    {
      name: 'delayed parcel',
      request: orderOf(runId, 'delay', [line(mug)], {
        shippingAddress: {
          line1: '1 Main St',
          line2: 'DELAY',
          city: 'San Francisco',
          region: 'CA',
          postalCode: '94105',
          country: 'US',
        },
      }),
      steps: [untilLabel, { kind: 'carrier', parcel: 'outbound', scans: wholeJourney, late: true }],
      settleWithinDays: deliveryDays + delayDays + 1,
      expected: { status: 'DELIVERED', cause: 'late, delay notice', payment: 'CAPTURED' },
    },
    {
      // Cancelled once confirmed (the payment authorized), before or just after the label: the authorization and
      // any label are voided. Not later: with the simulation on the parcel's first scan comes half a day after
      // its label, and a parcel on its way is intercepted instead.
      name: 'cancel before shipment',
      request: orderOf(runId, 'cancel-early', [line(mug)]),
      steps: [
        { kind: 'await', status: 'CONFIRMED', withinDays: 1 },
        { kind: 'cancel', reason: 'changed_mind' },
      ],
      settleWithinDays: 1,
      expected: { status: 'CANCELLED', cause: 'changed_mind', payment: 'VOIDED' },
    },
    {
      // Cancelled in transit, well before the parcel is out for delivery: the carrier accepts the intercept and the
      // parcel comes back (2 days after the intercept); then the payment is refunded.
      name: 'cancel after shipment',
      request: orderOf(runId, 'cancel-late', [line(mug)]),
      steps: [
        untilLabel,
        { kind: 'ship' },
        { kind: 'carrier', parcel: 'outbound', scans: ['pre_transit', 'in_transit'] },
        { kind: 'await', status: 'IN_TRANSIT', withinDays: 1 },
        { kind: 'cancel', reason: 'long_shipping_time' },
        { kind: 'await', status: 'INTERCEPT_REQUESTED', withinDays: 1 },
        { kind: 'carrier', parcel: 'outbound', scans: ['return_to_sender', 'delivered'] },
      ],
      settleWithinDays: 3,
      expected: { status: 'CANCELLED', cause: 'long_shipping_time, intercepted', payment: 'REFUNDED' },
    },
    {
      // Everything back: the items are refunded, the shipping is not (docs/returns.md).
      name: 'return',
      request: orderOf(runId, 'return', [line(mug)]),
      steps: [
        untilLabel,
        { kind: 'carrier', parcel: 'outbound', scans: wholeJourney },
        { kind: 'await', status: 'DELIVERED', withinDays: deliveryDays + 1 },
        { kind: 'return', reason: 'does not fit the shelf' },
        { kind: 'carrier', parcel: 'return', scans: ['in_transit', 'delivered'] },
      ],
      settleWithinDays: returnDays + 1,
      expected: { status: 'RETURNED', cause: 'return refunded', payment: 'PARTIALLY_REFUNDED' },
    },
  ];
};

// ---- Judging ------------------------------------------------------------------------------------------------

const sent = (order: OrderView, template: string): boolean =>
  order.notifications.some((notice) => notice.template === template);

const happened = (order: OrderView, type: string): boolean =>
  order.timeline.some((entry) => entry.type === type);

/** Why the order is where it is, in the vocabulary of the expectations. */
const causeOf = (order: OrderView): string => {
  switch (order.status) {
    case 'REJECTED':
      return order.rejection?.code ?? 'no rejection code';
    case 'CANCELLED': {
      const reason = order.cancellation?.reason ?? 'no reason';
      return happened(order, 'INTERCEPT_REQUESTED') ? `${reason}, intercepted` : reason;
    }
    case 'DELIVERED':
    case 'RETURN_REQUESTED':
    case 'RETURNED': {
      const refunded = order.returns.filter((r) => r.status === 'refunded').length;
      if (refunded > 0) return refunded === 1 ? 'return refunded' : `${refunded} returns refunded`;
      if (!order.shipment?.delayed) return 'on time';
      return sent(order, 'delay_notice') ? 'late, delay notice' : 'late, no delay notice';
    }
    case 'DELIVERY_FAILED': {
      const failure = order.timeline.find((entry) => entry.type === 'DELIVERY_FAILED');
      return String(failure?.detail.reason ?? 'delivery failed');
    }
    case 'FAILED':
      return 'workflow failed';
    default:
      return 'not finished';
  }
};

export const outcomeOf = (order: OrderView): DemoOutcome => ({
  status: order.status,
  cause: causeOf(order),
  payment: order.payment.status,
});

export const formatOutcome = (outcome: DemoOutcome): string =>
  `${outcome.status} (${outcome.cause}; payment ${outcome.payment})`;

/** How one scenario went. `problems` is empty exactly when it is OK. */
export interface ScenarioResult {
  name: string;
  orderId: string | undefined;
  expected: DemoOutcome;
  actual: DemoOutcome | undefined;
  problems: string[];
}

/** Where the actual outcome differs from the expected one, each in words. */
export const mismatches = (expected: DemoOutcome, actual: DemoOutcome): string[] =>
  (['status', 'cause', 'payment'] as const)
    .filter((part) => expected[part] !== actual[part])
    .map((part) => `${part} is ${actual[part]}, expected ${expected[part]}`);

/**
 * Judges a scenario by the order it left behind. `error` is what stopped the scenario before its end (a refused
 * call, a wait that timed out): the scenario fails with it, whatever the order looks like (the table shows where
 * it stopped).
 */
export const judge = (
  scenario: DemoScenario,
  orderId: string | undefined,
  order: OrderView | undefined,
  error?: string,
): ScenarioResult => {
  const actual = order ? outcomeOf(order) : undefined;
  let problems: string[];
  if (error) problems = [error];
  else problems = actual ? mismatches(scenario.expected, actual) : ['no order to judge'];
  return { name: scenario.name, orderId, expected: scenario.expected, actual, problems };
};

export const isOk = (result: ScenarioResult): boolean => result.problems.length === 0;

/** The demo's exit codes: every scenario as expected, one or more not, or the demo could not run at all. */
export const demoExitCodes = { ok: 0, scenarioFailed: 1, cannotRun: 2 } as const;

export const exitCodeOf = (results: readonly ScenarioResult[]): number =>
  results.every(isOk) ? demoExitCodes.ok : demoExitCodes.scenarioFailed;

// ---- The report ---------------------------------------------------------------------------------------------

/** The table the demo prints: one row per scenario, then what went wrong in each failed one. */
export const formatReport = (results: readonly ScenarioResult[]): string => {
  const header = ['scenario', 'order', 'expected', 'actual', 'result'];
  const rows = results.map((result) => [
    result.name,
    result.orderId ?? '-',
    formatOutcome(result.expected),
    result.actual ? formatOutcome(result.actual) : '-',
    isOk(result) ? 'OK' : 'FAIL',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const render = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  const failed = results.filter((result) => !isOk(result));
  const verdict =
    failed.length === 0
      ? `All ${results.length} scenarios ended as expected.`
      : [
          `${failed.length} of ${results.length} scenarios did not end as expected:`,
          ...failed.map((result) => `  ${result.name}: ${result.problems.join('; ')}`),
        ].join('\n');
  return [
    render(header),
    render(widths.map((width) => '-'.repeat(width))),
    ...rows.map(render),
    '',
    verdict,
  ].join('\n');
};
