// Prices what the local engine counted for one order at AWS list prices (a dated file in bench/). Pure apart from
// reading that file, so the smoke test can check the arithmetic.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const price = z.object({
  usd: z.number().nonnegative(),
  per: z.string(),
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
  }),
  lambdaMemoryGb: z.number().positive(),
});

export type PriceBook = z.infer<typeof priceBookSchema>;

export const priceBookFile = new URL('./prices-2026-11.json', import.meta.url);

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
