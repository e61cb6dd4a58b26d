// The local feed of order changes, which the dashboard's live updates (`GET /_local/events`) stream to the page. It
// is fed from two places that see every change whichever way the handlers run (in this process or as bundles in
// worker processes): the order-events topic, where every stored status change is published from the Orders
// table's stream (functions/publish-order-events/), and the local API gateway's successful commands (an order
// posted, shipped, cancelled or reviewed: the answer comes before the stream's event). A change names the order
// only; subscribers read the order itself for the rest.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { PublishedEvent } from './aws-clients';

export interface OrderChange {
  orderId: string;
  /** The status the change left the order in, when the source knows it. */
  status?: string | undefined;
  storefrontId?: string | undefined;
  at: string;
  /** `workflow`: a stored status change (order-events topic); `api`: a command accepted by the API. */
  source: 'workflow' | 'api';
}

export type OrderChangeListener = (change: OrderChange) => void;

export class OrderFeed {
  private readonly listeners = new Set<OrderChangeListener>();
  private closed = false;

  /** Calls `listener` with every change from now on, until the returned function is called. */
  subscribe(listener: OrderChangeListener): () => void {
    if (this.closed) return () => undefined;
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Tells every subscriber; one that throws does not keep the change from the others. */
  publish(change: OrderChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        console.error('order feed subscriber failed', error);
      }
    }
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Drops every subscriber and accepts no new one (the system is stopping). */
  close(): void {
    this.closed = true;
    this.listeners.clear();
  }
}

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

const stringField = (record: Record<string, unknown> | undefined, key: string): string | undefined => {
  const value = record?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const parseJson = (text: string | null | undefined): unknown => {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
};

/** The change an order-events topic message announces (functions/publish-order-events/ publishes them). */
export const changeFromOrderEvent = (event: PublishedEvent): OrderChange | undefined => {
  const message = asRecord(parseJson(event.message));
  const orderId = stringField(message, 'orderId');
  if (!orderId) return undefined;
  return {
    orderId,
    status: stringField(message, 'status'),
    storefrontId: stringField(message, 'storefrontId'),
    at: stringField(message, 'at') ?? new Date().toISOString(),
    source: 'workflow',
  };
};

/**
 * The change a successful API command made: the order named in the path, or the one the answer describes (a posted
 * order). Reads change nothing, and a webhook's answer names no order; the status change it causes reaches the
 * feed from the order-events topic instead.
 */
export const changeFromApiCommand = (
  event: APIGatewayProxyEvent,
  result: APIGatewayProxyResult,
): OrderChange | undefined => {
  if (event.httpMethod === 'GET' || result.statusCode < 200 || result.statusCode > 299) return undefined;
  const body = asRecord(parseJson(result.body));
  const orderId = event.pathParameters?.orderId ?? stringField(body, 'orderId');
  if (!orderId || !event.resource.startsWith('/orders')) return undefined;
  // The answer is an order view for every command but a return (whose `status` is the return's own).
  const isOrderView = stringField(body, 'orderId') === orderId;
  return {
    orderId,
    status: isOrderView ? stringField(body, 'status') : undefined,
    storefrontId: isOrderView ? stringField(body, 'storefrontId') : undefined,
    at: new Date().toISOString(),
    source: 'api',
  };
};
