import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { paymentPart } from '../runtime/parts/payment';
import { orderInput, stepHandler } from '../runtime/step';
import { authorizePayment } from './authorize-payment';

export const createHandler = (deps = awsDeps(corePart, paymentPart)) =>
  stepHandler(orderInput, authorizePayment, deps);
export const handler = createHandler();
