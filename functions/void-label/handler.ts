import { awsDeps } from '../runtime/parts/part';
import { carrierPart } from '../runtime/parts/carrier';
import { corePart } from '../runtime/parts/core';
import { orderInput, stepHandler } from '../runtime/step';
import { voidLabel } from './void-label';

export const createHandler = (deps = awsDeps(corePart, carrierPart)) =>
  stepHandler(orderInput, voidLabel, deps);
export const handler = createHandler();
