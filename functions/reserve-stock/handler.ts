import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { orderInput, stepHandler } from '../runtime/step';
import { reserveStock } from './reserve-stock';

export const createHandler = (deps = awsDeps(corePart)) => stepHandler(orderInput, reserveStock, deps);
export const handler = createHandler();
