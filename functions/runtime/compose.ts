// Every part at once: the dependencies of the local engine (local/system.ts passes clients pointed at its local
// parts and the carrier simulator's hooks) and of the tests, which hand the same object to every handler's
// `createHandler`. Deployed functions never import this module: each handler composes only its own parts
// (./parts/, `awsDeps`). Which adapter serves a stage is decided in the parts, from the configuration.
import type { Config } from './config';
import type { Deps } from './deps';
import { carrierPart } from './parts/carrier';
import { corePart } from './parts/core';
import { paymentWebhookPart, riskFingerprintsPart, trackingLinksPart } from './parts/keys';
import { messagingPart } from './parts/messaging';
import { composeParts, partContext, type Clients, type ComposeOptions } from './parts/part';
import { paymentPart } from './parts/payment';
import { webhooksPart } from './parts/webhooks';
import { workflowPart } from './parts/workflow';

export type { Clients, ComposeOptions } from './parts/part';

export const composeDeps = (config: Config, clients: Clients, options: ComposeOptions = {}): Deps =>
  composeParts(partContext(config, clients, options), [
    corePart,
    messagingPart,
    workflowPart,
    paymentPart,
    carrierPart,
    webhooksPart,
    paymentWebhookPart,
    trackingLinksPart,
    riskFingerprintsPart,
  ] as const);
