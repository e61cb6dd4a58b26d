import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { orderInput, stepHandler } from '../runtime/step';
import { releaseStock } from './release-stock';

export const createHandler = (deps = awsDeps(corePart)) => stepHandler(orderInput, releaseStock, deps);
export const handler = createHandler();
