// The dashboard's own routes: the page and its files (only those in local/dashboard/public, under a policy that
// lets the browser load nothing from elsewhere), the settings the page calls the API with, and the event stream.
import { describe, expect, it } from 'vitest';
import { dashboardRoutes, dashboardSettings } from '../../../local/dashboard/routes';
import { orderStatuses } from '../../../functions/domain/requests';
import type { LocalResponse } from '../../../local/http-server';
import { OrderFeed } from '../../../local/order-feed';
import { readSettings } from '../../../local/settings';

const settings = readSettings({
  ORDERFLOW_API_KEYS: 'demo-store:k1,ops:ops-key,other-store:k2,demo-store:k3,ops:second-ops-key',
  ORDERFLOW_CARRIER_SIMULATION: 'off',
  ORDERFLOW_DAY_SECONDS: '5',
});
const routes = dashboardRoutes({ feed: new OrderFeed(), settings, mailUrl: 'http://localhost:8005' });
const get = async (path: string) => routes('GET', new URL(path, 'http://localhost'));

describe('dashboardSettings', () => {
  it('gives the page the first ops key, every storefront once and the order statuses', () => {
    expect(dashboardSettings(settings, 'http://localhost:8005')).toEqual({
      opsKey: 'ops-key',
      statuses: orderStatuses,
      storefronts: ['demo-store', 'other-store'],
      carrierSimulation: 'off',
      daySeconds: 5,
      mailUrl: 'http://localhost:8005',
    });
  });

  it('has no ops key when none is configured', () => {
    const storefrontsOnly = readSettings({ ORDERFLOW_API_KEYS: 'demo-store:k1' });
    expect(dashboardSettings(storefrontsOnly, '').opsKey).toBe(null);
  });
});

describe('dashboardRoutes', () => {
  it('serves the page at / with a policy that allows only this server', async () => {
    // Act
    const page = (await get('/')) as LocalResponse;

    // Assess
    expect(page.status).toBe(200);
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<meta name="viewport"');
    expect(page.headers?.['content-security-policy']).toContain("default-src 'self'");
  });

  it('serves its scripts and styles as what they are', async () => {
    expect(((await get('/dashboard/app.js')) as LocalResponse).contentType).toBe(
      'text/javascript; charset=utf-8',
    );
    expect(((await get('/dashboard/styles.css')) as LocalResponse).contentType).toBe(
      'text/css; charset=utf-8',
    );
  });

  it('serves nothing outside its folder or unknown to it', async () => {
    expect(await get('/dashboard/missing.js')).toBe(undefined);
    expect(await get('/dashboard/..%2Froutes.ts')).toBe(undefined);
    expect(await get('/dashboard/routes.ts')).toBe(undefined);
  });

  it('answers the settings as JSON that is never cached', async () => {
    const answer = (await get('/_local/dashboard/settings')) as LocalResponse;
    expect(answer.headers?.['cache-control']).toBe('no-store');
    expect(JSON.parse(answer.body)).toMatchObject({ opsKey: 'ops-key' });
  });

  it('streams order events at /_local/events', async () => {
    expect(await get('/_local/events')).toMatchObject({
      headers: { 'content-type': 'text/event-stream; charset=utf-8' },
    });
  });

  it('leaves other methods to the API', async () => {
    expect(await routes('POST', new URL('http://localhost/'))).toBe(undefined);
  });
});
