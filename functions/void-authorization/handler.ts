import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { paymentPart } from '../runtime/parts/payment';
import { orderInput, stepHandler } from '../runtime/step';
import { voidAuthorization } from './void-authorization';

export const createHandler = (deps = awsDeps(corePart, paymentPart)) =>
  stepHandler(orderInput, voidAuthorization, deps);
export const handler = createHandler();
