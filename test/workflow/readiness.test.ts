// Ready means ready: the server listens before the system can serve (its port goes into links), and answers every
// request with 503 STARTING and Retry-After until it can. A client that polls /health and posts the instant it
// answers, as orchestrators and test harnesses do, has its order accepted.
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalSystem } from '../../local/system';
import {
  Api,
  anOrderRequest,
  hasStatus,
  startTestSystem,
  storefrontKey,
  waitForOrder,
} from '../helpers/local-system';

interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

const ask = async (url: string, init?: RequestInit): Promise<Answer | undefined> => {
  try {
    const response = await fetch(url, init);
    const text = await response.text();
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: text ? (JSON.parse(text) as unknown) : null,
    };
  } catch {
    return undefined; // not listening yet
  }
};

describe('a starting system', () => {
  let system: LocalSystem | undefined;
  afterAll(() => system?.stop());

  it('answers 503 STARTING until every route works, and takes an order the instant /health answers', async () => {
    // Prepare: poll /health as fast as possible from the moment the server listens.
    const answers: Answer[] = [];
    let firstOrder: Promise<Answer | undefined> | undefined;
    let polling = true;
    let resolveUrl!: (url: string) => void;
    const listening = new Promise<string>((resolve) => (resolveUrl = resolve));
    const poller = (async () => {
      const url = await listening;
      while (polling) {
        const answer = await ask(`${url}/health`);
        if (!answer) continue;
        answers.push(answer);
        if (answer.status === 200) {
          // Act: the instant health first answers, post an order.
          firstOrder = ask(`${url}/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': storefrontKey },
            body: JSON.stringify(anOrderRequest()),
          });
          return;
        }
      }
    })();

    system = await startTestSystem({ simulation: 'off', onListening: resolveUrl });
    await poller;
    polling = false;
    const posted = await firstOrder;

    // Assess
    expect(answers.at(-1)?.status).toBe(200);
    for (const early of answers.slice(0, -1)) {
      expect(early).toEqual({
        status: 503,
        retryAfter: '1',
        body: { error: { code: 'STARTING', message: expect.any(String) as string, details: [] } },
      });
    }
    expect(posted?.status).toBe(202);
    const orderId = (posted?.body as { orderId: string }).orderId;
    const order = await waitForOrder(new Api(system), system, orderId, hasStatus('LABEL_CREATED', 'FAILED'));
    expect(order.status).toBe('LABEL_CREATED');
  });

  it('answered 503 while starting on API routes and local pages alike', async () => {
    // Prepare: a second system, asked on an API route and a local page before it is ready.
    const early: Promise<(Answer | undefined)[]>[] = [];
    const second = await startTestSystem({
      simulation: 'off',
      onListening: (url) => {
        early.push(
          Promise.all([ask(`${url}/orders`, { headers: { 'x-api-key': storefrontKey } }), ask(`${url}/`)]),
        );
      },
    });
    try {
      // Assess
      const [api, page] = await early[0]!;
      expect(api).toMatchObject({ status: 503, retryAfter: '1', body: { error: { code: 'STARTING' } } });
      expect(page).toMatchObject({ status: 503, retryAfter: '1', body: { error: { code: 'STARTING' } } });
    } finally {
      await second.stop();
    }
  });
});
