import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { trackingLinksPart } from '../runtime/parts/keys';
import { messagingPart } from '../runtime/parts/messaging';
import { stepHandler } from '../runtime/step';
import { closeInput, closeOrder } from './close-order';

export const createHandler = (deps = awsDeps(corePart, messagingPart, trackingLinksPart)) =>
  stepHandler(closeInput, closeOrder, deps);
export const handler = createHandler();
