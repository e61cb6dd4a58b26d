import { awsDeps } from '../runtime/parts/part';
import { carrierPart } from '../runtime/parts/carrier';
import { corePart } from '../runtime/parts/core';
import { trackingLinksPart } from '../runtime/parts/keys';
import { messagingPart } from '../runtime/parts/messaging';
import { paymentPart } from '../runtime/parts/payment';
import { workflowPart } from '../runtime/parts/workflow';
import { stepHandler } from '../runtime/step';
import { trackDelivery, trackInput } from './track-delivery';

export const createHandler = (
  deps = awsDeps(corePart, paymentPart, carrierPart, messagingPart, trackingLinksPart, workflowPart),
) => stepHandler(trackInput, trackDelivery, deps);
export const handler = createHandler();
