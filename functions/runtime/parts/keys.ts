// The HMAC keys handlers sign or verify with: the tracking-link key (the tracking page, and every customer notice
// that links to it) and the risk fingerprint key (intake hashes the source IP and payment method with it). A new
// key is one more part here, over `keyFrom`.
import type { RiskFingerprintDeps, TrackingLinkDeps } from '../deps';
import type { Part } from './part';
import { keyFrom } from './secrets';

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
