import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { trackingLinksPart } from '../runtime/parts/keys';
import { messagingPart } from '../runtime/parts/messaging';
import { paymentPart } from '../runtime/parts/payment';
import { workflowPart } from '../runtime/parts/workflow';
import { stepHandler } from '../runtime/step';
import { trackReturn, trackReturnInput } from './track-return';

export const createHandler = (
  deps = awsDeps(corePart, paymentPart, messagingPart, trackingLinksPart, workflowPart),
) => stepHandler(trackReturnInput, trackReturn, deps);
export const handler = createHandler();
