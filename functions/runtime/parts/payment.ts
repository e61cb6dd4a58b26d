// The payment part: the provider an order names, if the stage enables it. The sandbox keeps its payments in the
// Orders table; Stripe reads its API key from Secrets Manager. Only the functions that take, renew, capture, void
// or refund payments compose it, so only they bundle the Stripe adapter.
import { SandboxPaymentProvider } from '../../adapters/payment/sandbox-payment';
import { StripePaymentProvider } from '../../adapters/payment/stripe-payment';
import type { PaymentDeps } from '../deps';
import { dbOf } from './core';
import type { Part } from './part';
import { secretOf } from './secrets';

export const paymentPart: Part<PaymentDeps> = (context) => {
  const { config } = context;
  const db = dbOf(context);
  const sandbox =
    config.paymentProvider === 'sandbox'
      ? new SandboxPaymentProvider({
          doc: db.doc,
          table: config.tables.orders,
          daySeconds: config.daySeconds,
          authorizationValidityDays: config.durations.authorizationValidityDays,
        })
      : undefined;
  const stripe =
    config.paymentProvider === 'stripe'
      ? new StripePaymentProvider({
          apiKey: secretOf(context, config.secretNames.stripe),
          fetch: context.options.providerFetch,
        })
      : undefined;
  return {
    payment: (provider) => {
      if (provider === 'stripe' && stripe) return stripe;
      if (provider === 'sandbox' && sandbox) return sandbox;
      throw new Error(`payment provider ${provider} is not enabled in this stage`);
    },
  };
};
