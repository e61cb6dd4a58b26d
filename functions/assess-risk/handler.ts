import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { orderInput, stepHandler } from '../runtime/step';
import { assessRisk } from './assess-risk';

export const createHandler = (deps = awsDeps(corePart)) => stepHandler(orderInput, assessRisk, deps);
export const handler = createHandler();
