// The operator dashboard in a real browser (Debian's headless Chromium driven by playwright-core) against a whole
// local system: it loads everything from the local server alone, shows the orders of every storefront with their
// key figures, updates live as orders change, filters, opens an order with its timeline and workflow path, lets an
// operator approve a held order from the review queue, and fits a phone's screen. Every wait is on a DOM
// condition, bounded.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../functions/domain/order';
import type { CreateOrderRequest } from '../../functions/domain/requests';
import { ApiClient } from '../../local/api-client';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  opsKey,
  otherStorefrontKey,
  startTestSystem,
  waitForOrder,
  testKeys,
  withTotal,
} from '../helpers/local-system';

/** Debian's package `chromium`; ORDERFLOW_CHROMIUM names another binary. */
const chromiumPath = process.env.ORDERFLOW_CHROMIUM ?? '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };
/** How long a DOM condition may take to hold (a live update goes through the workflow first). */
const uiTimeout = 30_000;

interface Dashboard {
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  problems: string[];
  /** Every URL the page requested. */
  requests: string[];
}

describe('the operator dashboard', { timeout: 120_000 }, () => {
  let system: LocalSystem;
  let api: Api;
  /** Reads every storefront's orders (waits on an order of another storefront). */
  let opsApi: Api;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `the dashboard's browser tests need Chromium at ${chromiumPath}: install Debian's package ` +
          '(apt-get install -y chromium) or name a binary with ORDERFLOW_CHROMIUM',
      );
    }
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    // Days of a minute: the review timeout (2 days) leaves the operator time to decide in the browser.
    system = await startTestSystem({ simulation: 'off', daySeconds: 60 });
    api = new Api(system);
    opsApi = new ApiClient(system, { ...testKeys, storefront: opsKey });
  }, 120_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  /** Opens the dashboard (at `hash`) in a fresh context and waits until its live feed is connected. */
  const openDashboard = async (
    options: { viewport?: typeof desktop; hash?: string } = {},
  ): Promise<Dashboard> => {
    const context = await browser.newContext({ viewport: options.viewport ?? desktop });
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${system.url}/${options.hash ?? ''}`);
    await page.locator('#live[data-state="live"]').waitFor({ timeout: uiTimeout });
    return { page, problems, requests };
  };

  /** Posts an order and waits until its workflow waits for the warehouse. */
  const aLabelledOrder = async (request: CreateOrderRequest = anOrderRequest(), key?: string) => {
    const posted = await api.postOrder(request, key ? { key } : {});
    expect(posted.status).toBe(202);
    return waitForOrder(opsApi, system, posted.body.orderId, hasStatus('LABEL_CREATED'), uiTimeout);
  };

  const row = (page: Page, orderId: string) => page.locator(`#order-rows tr[data-order-id="${orderId}"]`);
  /**
   * Where an element is on the page once it is laid out. A live update may re-render the list between a wait and
   * the measure (the row is replaced, and has no box for that instant), so the measure is taken again.
   */
  const boxOf = async (locator: Locator) => {
    let box = await locator.boundingBox();
    for (const deadline = Date.now() + uiTimeout; !box && Date.now() < deadline;) {
      await locator.waitFor({ timeout: uiTimeout });
      box = await locator.boundingBox();
    }
    if (!box) throw new Error('the element was never laid out');
    return box;
  };
  const rowStatus = (page: Page, orderId: string) =>
    row(page, orderId).locator('.badge').getAttribute('data-status');

  /** The rows shown: order id, status and storefront of each. */
  const rows = async (page: Page) =>
    Promise.all(
      (await page.locator('#order-rows tr').all()).map(async (tr) => ({
        orderId: await tr.getAttribute('data-order-id'),
        status: await tr.locator('.badge').getAttribute('data-status'),
        storefrontId: await tr.locator('td[data-label="Storefront"]').textContent(),
      })),
    );

  const kpisOfLastDay = async () => {
    const now = Date.now();
    const query = `from=${new Date(now - 24 * 3_600_000).toISOString()}&to=${new Date(now).toISOString()}`;
    const answer = await api.request<Record<string, unknown>>('GET', `/kpis?${query}`, { key: api.keys.ops });
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const tileValue = (page: Page, kpi: string) =>
    page.locator(`[data-kpi="${kpi}"] .tile-value`).getAttribute('data-value');

  it('loads with no console error and requests nothing but the local server', async () => {
    // Prepare
    await aLabelledOrder();

    // Act
    const { page, problems, requests } = await openDashboard();
    await page.locator('#order-rows tr').first().waitFor({ timeout: uiTimeout });
    await page.locator('[data-kpi="orders"]').waitFor({ timeout: uiTimeout });

    // Assess
    expect(problems).toEqual([]);
    expect(requests.filter((url) => new URL(url).origin !== system.url)).toEqual([]);
    expect(await page.locator('.tile').count()).toBe(9);
    expect(await page.locator('#kpi-charts figure').count()).toBe(4);
    expect(await page.locator('#review-status').textContent()).toBe('Nothing to review.');
  });

  it('shows a posted order in the list and the key figures of the period', async () => {
    // Prepare
    const kept = await aLabelledOrder();
    const cancelled = await aLabelledOrder();
    await api.cancel(cancelled.orderId, { reason: 'changed_mind' });
    await waitForOrder(api, system, cancelled.orderId, hasStatus('CANCELLED'), uiTimeout);
    const kpis = await kpisOfLastDay();

    // Act
    const { page } = await openDashboard();
    await row(page, kept.orderId).waitFor({ timeout: uiTimeout });

    // Assess
    expect(await row(page, kept.orderId).locator('td[data-label="Storefront"]').textContent()).toBe(
      'demo-store',
    );
    expect(await rowStatus(page, cancelled.orderId)).toBe('CANCELLED');
    expect(Number(await tileValue(page, 'orders'))).toBe(kpis.orders);
    expect(Number(await tileValue(page, 'cancellationRate'))).toBe(kpis.cancellationRate);
    expect(await page.locator('[data-chart="cancellation-reasons"] .bar').getAttribute('data-label')).toBe(
      'changed_mind',
    );
    await page.click('[data-range="30d"]');
    await expect.poll(() => page.getAttribute('[data-range="30d"]', 'aria-pressed')).toBe('true');
    await expect.poll(async () => Number(await tileValue(page, 'orders'))).toBe(kpis.orders);
  });

  it('updates the list, the open order and the figures live, without a reload', async () => {
    // Prepare
    const { page } = await openDashboard();
    await page.locator('[data-kpi="orders"]').waitFor({ timeout: uiTimeout });
    const ordersBefore = Number(await tileValue(page, 'orders'));
    await page.evaluate('window.notReloaded = true');

    // Act: an order posted after the page loaded, then shipped while it is open
    const order = await aLabelledOrder();
    await row(page, order.orderId).waitFor({ timeout: uiTimeout });
    await row(page, order.orderId).click();
    await page
      .locator('#detail .detail-head .badge[data-status="LABEL_CREATED"]')
      .waitFor({ timeout: uiTimeout });
    expect((await api.ship(order.orderId)).status).toBe(202);

    // Assess
    await expect.poll(() => rowStatus(page, order.orderId), { timeout: uiTimeout }).toBe('SHIPPED');
    await page.locator('#detail .detail-head .badge[data-status="SHIPPED"]').waitFor({ timeout: uiTimeout });
    await expect
      .poll(async () => Number(await tileValue(page, 'orders')), { timeout: uiTimeout })
      .toBe(ordersBefore + 1);
    expect(await page.evaluate('window.notReloaded')).toBe(true);
  });

  it('filters by statuses, storefront, creation date, order id and customer email', async () => {
    // Prepare: orders in three statuses, one of another storefront, one of a customer of its own
    const labelled = await aLabelledOrder();
    const cancelled = await aLabelledOrder();
    await api.cancel(cancelled.orderId, { reason: 'other' });
    const shipped = await aLabelledOrder();
    await api.ship(shipped.orderId);
    const other = await aLabelledOrder(anOrderRequest(), otherStorefrontKey);
    const email = `filter-${Date.now().toString(36)}@example.com`;
    const base = anOrderRequest();
    const ofCustomer = await aLabelledOrder({ ...base, customer: { ...base.customer, email } });
    await waitForOrder(api, system, cancelled.orderId, hasStatus('CANCELLED'), uiTimeout);
    await waitForOrder(api, system, shipped.orderId, hasStatus('SHIPPED'), uiTimeout);
    const { page } = await openDashboard();
    await row(page, ofCustomer.orderId).waitFor({ timeout: uiTimeout });

    // Act and assess: two statuses
    await page.click('.status-filter summary');
    await page.check('input[name="status"][value="LABEL_CREATED"]');
    await page.check('input[name="status"][value="CANCELLED"]');
    await row(page, shipped.orderId).waitFor({ state: 'detached', timeout: uiTimeout });
    const byStatus = await rows(page);
    expect(new Set(byStatus.map((r) => r.status))).toEqual(new Set(['LABEL_CREATED', 'CANCELLED']));
    expect(byStatus.map((r) => r.orderId)).toEqual(
      expect.arrayContaining([labelled.orderId, cancelled.orderId, other.orderId]),
    );

    // ... one storefront
    await page.uncheck('input[name="status"][value="LABEL_CREATED"]');
    await page.uncheck('input[name="status"][value="CANCELLED"]');
    await page.selectOption('select[name="storefrontId"]', 'other-store');
    await row(page, labelled.orderId).waitFor({ state: 'detached', timeout: uiTimeout });
    const byStorefront = await rows(page);
    expect(new Set(byStorefront.map((r) => r.storefrontId))).toEqual(new Set(['other-store']));
    expect(byStorefront.map((r) => r.orderId)).toContain(other.orderId);

    // ... orders created from tomorrow on: none
    await page.selectOption('select[name="storefrontId"]', '');
    const tomorrow = new Date(Date.now() + 24 * 3_600_000);
    const day = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    await page.fill('input[name="from"]', day(tomorrow));
    await page
      .locator('#orders-status', { hasText: 'No orders match these filters.' })
      .waitFor({ timeout: uiTimeout });
    await page.fill('input[name="from"]', '');

    // ... an order id
    await page.fill('input[name="q"]', labelled.orderId);
    await expect
      .poll(async () => (await rows(page)).map((r) => r.orderId), { timeout: uiTimeout })
      .toEqual([labelled.orderId]);

    // ... a customer's email
    await page.fill('input[name="q"]', '');
    await page.fill('input[name="email"]', email);
    await expect
      .poll(async () => (await rows(page)).map((r) => r.orderId), { timeout: uiTimeout })
      .toEqual([ofCustomer.orderId]);
  });

  it('opens an order from its row, with its data as text, its timeline in time order and its workflow path', async () => {
    // Prepare: a name with markup, and a cancellation for a longer timeline
    const base = anOrderRequest();
    const name = '<img src=x onerror="window.injected=1">Ada';
    const order = await aLabelledOrder({ ...base, customer: { ...base.customer, name } });
    await api.cancel(order.orderId, { reason: 'changed_mind', comment: '<b>not bold</b>' });
    const cancelled = await waitForOrder(api, system, order.orderId, hasStatus('CANCELLED'), uiTimeout);
    const { page } = await openDashboard();

    // Act
    await row(page, order.orderId).locator('td[data-label="Total"]').click();
    await page.locator('#detail [data-section="workflow"] .execution[data-status="SUCCEEDED"]').waitFor({
      timeout: uiTimeout,
    });

    // Assess
    expect(new URL(page.url()).hash).toBe(`#/orders/${order.orderId}`);
    const timeline = await Promise.all(
      (await page.locator('#detail [data-section="timeline"] li').all()).map(async (li) => ({
        type: await li.getAttribute('data-type'),
        at: (await li.locator('time').getAttribute('datetime')) ?? '',
      })),
    );
    expect(timeline.map((entry) => entry.at)).toEqual(timeline.map((entry) => entry.at).sort());
    expect(timeline.map((entry) => entry.type).sort()).toEqual(
      cancelled.timeline.map((entry) => entry.type).sort(),
    );
    expect(timeline[0]?.type).toBe('ORDER_RECEIVED');
    expect(timeline.at(-1)?.type).toBe('ORDER_CANCELLED');
    const path = await page.locator('#detail [data-section="workflow"] .path li').allTextContents();
    expect(path.slice(0, 2)).toEqual(['ValidateOrder', 'AssessRisk']);
    expect(path).toContain('CancelBeforeShipment');
    expect(await page.locator('#detail [data-section="customer"] dd').first().textContent()).toBe(name);
    expect(await page.locator('#detail [data-section="cancellation"]').textContent()).toContain(
      '<b>not bold</b>',
    );
    expect(await page.locator('#detail img, #detail b').count()).toBe(0);
    expect(await page.evaluate('window.injected')).toBe(undefined);
  });

  it('opens an order from a link to it', async () => {
    // Prepare
    const order = await aLabelledOrder();

    // Act
    const { page } = await openDashboard({ hash: `#/orders/${order.orderId}` });

    // Assess
    await page.locator('#detail-title .order-id', { hasText: order.orderId }).waitFor({ timeout: uiTimeout });
    expect(await page.locator('#detail [data-section="shipment"]').textContent()).toContain(
      order.shipment!.trackingNumber,
    );
    await page.click('#detail-close');
    await page.locator('#detail').waitFor({ state: 'hidden', timeout: uiTimeout });
  });

  it('approves a held order from the review queue, which then leaves it and moves on', async () => {
    // Prepare: 1,005.00 (35 points), a new customer (10), billed in another country (25): 70, held for review
    const sku = `SKU-HELD-${Date.now().toString(36).toUpperCase()}`;
    await api.setStock(sku, 5);
    const base = anOrderRequest();
    const posted = await api.postOrder(
      withTotal({
        ...base,
        customer: { ...base.customer, email: `held-${Date.now().toString(36)}@example.com` },
        billingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
        items: [{ sku, name: 'Watch', quantity: 2, unitPrice: 50_000 }],
        payment: { provider: 'sandbox', token: 'tok_mastercard' },
      }),
    );
    const held: OrderView = await waitForOrder(
      api,
      system,
      posted.body.orderId,
      hasStatus('IN_REVIEW'),
      uiTimeout,
    );
    const { page } = await openDashboard();
    const card = page.locator(`#review-list .card[data-order-id="${held.orderId}"]`);
    await card.waitFor({ timeout: uiTimeout });

    // Act
    expect(await card.locator('.score').textContent()).toBe('70');
    expect(await card.locator('.reasons li').allTextContents()).toEqual([
      'very high value',
      'new customer',
      'billing shipping country mismatch',
    ]);
    await card.locator('input[name="note"]').fill('called the customer');
    await card.locator('button.approve').click();

    // Assess
    await card.waitFor({ state: 'detached', timeout: uiTimeout });
    await expect.poll(() => rowStatus(page, held.orderId), { timeout: uiTimeout }).toBe('LABEL_CREATED');
    const approved = await api.order(held.orderId);
    expect(approved.risk?.review).toMatchObject({
      decision: 'approve',
      note: 'called the customer',
      decidedBy: 'ops',
    });
  });

  it('fits a phone: no horizontal scroll, the orders as cards, an order over the whole screen', async () => {
    // Prepare
    const order = await aLabelledOrder();
    const { page } = await openDashboard({ viewport: phone });
    await row(page, order.orderId).waitFor({ timeout: uiTimeout });
    const overflow = () =>
      page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

    // Act and assess: the list
    expect(await overflow()).toBe(0);
    expect(await page.locator('table.orders thead').isVisible()).toBe(false);
    const card = await boxOf(row(page, order.orderId));
    expect(card.x).toBeGreaterThanOrEqual(0);
    expect(card.x + card.width).toBeLessThanOrEqual(phone.width);
    expect(await page.locator('[data-kpi="orders"]').isVisible()).toBe(true);

    // ... and the order, tapped
    await row(page, order.orderId).locator('td[data-label="Status"]').click();
    await page.locator('#detail [data-section="timeline"]').waitFor({ timeout: uiTimeout });
    const panel = await boxOf(page.locator('#detail'));
    expect(panel).toMatchObject({ x: 0, width: phone.width });
    expect(await overflow()).toBe(0);
  });
});
