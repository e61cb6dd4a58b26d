// Prices what the local engine counted for one order at AWS list prices (a dated file in bench/), by service, and
// weights the journeys' usage into a mix of orders. Pure apart from reading that file, so the tests can check the
// arithmetic.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const price = z.object({
  usd: z.number().nonnegative(),
  per: z.string(),
  region: z.string().min(1),
  listed: z.string(),
  source: z.url(),
});

const priceBookSchema = z.object({
  asOf: z.string(),
  region: z.string(),
  currency: z.literal('USD'),
  prices: z.object({
    stepFunctionsStandardTransition: price,
    lambdaRequest: price,
    lambdaArmGbSecond: price,
    dynamoDbWriteRequestUnit: price,
    dynamoDbReadRequestUnit: price,
    sesEmail: price,
    snsPublish: price,
    smsUs: price,
    apiGatewayRestRequest: price,
    secretsManagerApiCall: price,
  }),
  lambdaMemoryGb: z.number().positive(),
  /** The share of invocations that start a fresh Lambda container (and so read their secrets again): an assumption. */
  coldStartShare: z.number().min(0).max(1),
});

export type PriceBook = z.infer<typeof priceBookSchema>;

/** The price book the bench uses; its date is in the name, and in every cost figure. */
export const priceBookName = 'prices-2026-11.json';
export const priceBookFile = new URL(`./${priceBookName}`, import.meta.url);

export const loadPriceBook = (file: URL = priceBookFile): PriceBook =>
  priceBookSchema.parse(JSON.parse(readFileSync(file, 'utf8')));

/** What one order used, as AWS would bill it. */
export interface Usage {
  stateTransitions: number;
  lambdaInvocations: number;
  lambdaMilliseconds: number;
  /** Request units, table and indexes, including writes whose condition failed. */
  writeUnits: number;
  readUnits: number;
  emails: number;
  sms: number;
  snsPublishes: number;
  apiCalls: number;
  /** GetSecretValue calls (expected: the reads a fresh container makes × the share of fresh containers). */
  secretsManagerCalls: number;
}

export interface Cost {
  stepFunctions: number;
  lambdaRequests: number;
  lambdaDuration: number;
  dynamoDbWrites: number;
  dynamoDbReads: number;
  email: number;
  topics: number;
  apiGateway: number;
  secretsManager: number;
  sms: number;
  totalExcludingSms: number;
  total: number;
}

export const priceUsage = (usage: Usage, book: PriceBook, memoryGb = book.lambdaMemoryGb): Cost => {
  const p = book.prices;
  const parts = {
    stepFunctions: usage.stateTransitions * p.stepFunctionsStandardTransition.usd,
    lambdaRequests: usage.lambdaInvocations * p.lambdaRequest.usd,
    lambdaDuration: (usage.lambdaMilliseconds / 1000) * memoryGb * p.lambdaArmGbSecond.usd,
    dynamoDbWrites: usage.writeUnits * p.dynamoDbWriteRequestUnit.usd,
    dynamoDbReads: usage.readUnits * p.dynamoDbReadRequestUnit.usd,
    email: usage.emails * p.sesEmail.usd,
    topics: usage.snsPublishes * p.snsPublish.usd,
    apiGateway: usage.apiCalls * p.apiGatewayRestRequest.usd,
    secretsManager: usage.secretsManagerCalls * p.secretsManagerApiCall.usd,
  };
  const totalExcludingSms = Object.values(parts).reduce((sum, value) => sum + value, 0);
  const sms = usage.sms * p.smsUs.usd;
  return { ...parts, sms, totalExcludingSms, total: totalExcludingSms + sms };
};

/** The same cost for `orders` orders (the bench reports per 1,000). */
export const scaleCost = (cost: Cost, orders: number): Cost => {
  const scaled = { ...cost };
  for (const key of Object.keys(scaled) as (keyof Cost)[]) scaled[key] *= orders;
  return scaled;
};

/** The services of the bill, in the order the tables show them. */
export const services = [
  'stepFunctions',
  'lambda',
  'dynamoDb',
  'ses',
  'snsSms',
  'snsPublish',
  'apiGateway',
  'secretsManager',
] as const;
export type Service = (typeof services)[number];

export const serviceNames: Record<Service, string> = {
  stepFunctions: 'Step Functions',
  lambda: 'Lambda',
  dynamoDb: 'DynamoDB',
  ses: 'SES',
  snsSms: 'SNS SMS',
  snsPublish: 'SNS publish',
  apiGateway: 'API Gateway',
  secretsManager: 'Secrets Manager',
};

/** A cost by service: Lambda's requests and duration together, DynamoDB's writes and reads together. */
export const costByService = (cost: Cost): Record<Service, number> => ({
  stepFunctions: cost.stepFunctions,
  lambda: cost.lambdaRequests + cost.lambdaDuration,
  dynamoDb: cost.dynamoDbWrites + cost.dynamoDbReads,
  ses: cost.email,
  snsSms: cost.sms,
  snsPublish: cost.topics,
  apiGateway: cost.apiGateway,
  secretsManager: cost.secretsManager,
});

/** Shares of orders by journey name; they add up to 1. */
export type Mix = Readonly<Record<string, number>>;

/** Usage of nothing: every counter at zero. */
export const noUsage = (): Usage => ({
  stateTransitions: 0,
  lambdaInvocations: 0,
  lambdaMilliseconds: 0,
  writeUnits: 0,
  readUnits: 0,
  emails: 0,
  sms: 0,
  snsPublishes: 0,
  apiCalls: 0,
  secretsManagerCalls: 0,
});

/**
 * The usage of one order of a mix: each journey's usage per order weighted by its share. Refuses a mix whose shares
 * do not add up to 1, or that names a journey without a measured usage.
 */
export const mixUsage = (mix: Mix, perJourney: Readonly<Record<string, Usage>>): Usage => {
  const shares = Object.entries(mix);
  const sum = shares.reduce((total, [, share]) => total + share, 0);
  if (Math.abs(sum - 1) > 1e-9) throw new Error(`the mix's shares add up to ${sum}, not 1`);
  const mixed = noUsage();
  for (const [journey, share] of shares) {
    if (share < 0) throw new Error(`the mix gives ${journey} a negative share`);
    const usage = perJourney[journey];
    if (!usage) throw new Error(`the mix names ${journey}, which was not measured`);
    for (const key of Object.keys(mixed) as (keyof Usage)[]) mixed[key] += usage[key] * share;
  }
  return mixed;
};
