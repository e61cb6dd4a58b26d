// The HMAC keys handlers sign or verify with: the tracking-link key (the tracking page, and every customer notice
// that links to it) and the risk fingerprint key (intake hashes the source IP and payment method with it). A new
// key is one more part here, over `keyFrom`.
import type { PaymentWebhookDeps, RiskFingerprintDeps, TrackingLinkDeps } from '../deps';
import type { Part } from './part';
import { keyFrom, secretOf } from './secrets';

export const trackingLinksPart: Part<TrackingLinkDeps> = (context) => ({
  trackingLinkSecret: keyFrom(context, {
    value: context.config.trackingLinkSecret,
    secretName: context.config.secretNames.trackingLink,
    variable: 'TRACKING_LINK_SECRET',
    purpose: 'tracking links',
  }),
});

export const riskFingerprintsPart: Part<RiskFingerprintDeps> = (context) => ({
  riskHashKey: keyFrom(context, {
    value: context.config.riskHashKey,
    secretName: context.config.secretNames.riskHash,
    variable: 'RISK_HASH_KEY',
    purpose: 'risk fingerprints',
  }),
});

/**
 * Stripe's webhook signing secret: given (local), else read by name (AWS, stages with Stripe), else none: such a
 * stage takes no payment webhooks.
 */
export const paymentWebhookPart: Part<PaymentWebhookDeps> = (context) => {
  const { stripeWebhookSecret, secretNames } = context.config;
  if (stripeWebhookSecret) return { paymentWebhookSecret: () => Promise.resolve(stripeWebhookSecret) };
  if (secretNames.stripeWebhook)
    return { paymentWebhookSecret: secretOf(context, secretNames.stripeWebhook) };
  return { paymentWebhookSecret: () => Promise.resolve(undefined) };
};
