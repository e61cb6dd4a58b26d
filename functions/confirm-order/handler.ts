import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { trackingLinksPart } from '../runtime/parts/keys';
import { messagingPart } from '../runtime/parts/messaging';
import { stepHandler } from '../runtime/step';
import { confirmInput, confirmOrder } from './confirm-order';

export const createHandler = (deps = awsDeps(corePart, messagingPart, trackingLinksPart)) =>
  stepHandler(confirmInput, confirmOrder, deps);
export const handler = createHandler();
