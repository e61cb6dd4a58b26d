import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { trackingLinksPart } from '../runtime/parts/keys';
import { messagingPart } from '../runtime/parts/messaging';
import { paymentPart } from '../runtime/parts/payment';
import { stepHandler } from '../runtime/step';
import { authorizeInput, authorizePayment } from './authorize-payment';

export const createHandler = (deps = awsDeps(corePart, paymentPart, messagingPart, trackingLinksPart)) =>
  stepHandler(authorizeInput, authorizePayment, deps);
export const handler = createHandler();
