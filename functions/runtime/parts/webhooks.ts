// The carrier webhook part: the parsers of each carrier's webhooks and the secret their signatures are checked with
// (WEBHOOK_SECRET locally, the secret named WEBHOOK_SECRET_NAME in AWS).
import { webhookParsers } from '../../adapters/carrier/webhooks';
import type { WebhookDeps } from '../deps';
import type { Part } from './part';
import { secretOf } from './secrets';

export const webhooksPart: Part<WebhookDeps> = (context) => ({
  webhookParsers,
  webhookSecret: context.config.webhookSecret
    ? () => Promise.resolve(context.config.webhookSecret)
    : secretOf(context, context.config.secretNames.webhook),
});
