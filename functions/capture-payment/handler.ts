import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { trackingLinksPart } from '../runtime/parts/keys';
import { messagingPart } from '../runtime/parts/messaging';
import { paymentPart } from '../runtime/parts/payment';
import { workflowPart } from '../runtime/parts/workflow';
import { orderInput, stepHandler } from '../runtime/step';
import { capturePayment } from './capture-payment';

export const createHandler = (
  deps = awsDeps(corePart, paymentPart, messagingPart, trackingLinksPart, workflowPart),
) => stepHandler(orderInput, capturePayment, deps);
export const handler = createHandler();
