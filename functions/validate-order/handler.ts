import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { orderInput, stepHandler } from '../runtime/step';
import { validateOrder } from './validate-order';

export const createHandler = (deps = awsDeps(corePart)) => stepHandler(orderInput, validateOrder, deps);
export const handler = createHandler();
