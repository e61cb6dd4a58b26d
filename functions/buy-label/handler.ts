import { awsDeps } from '../runtime/parts/part';
import { carrierPart } from '../runtime/parts/carrier';
import { corePart } from '../runtime/parts/core';
import { workflowPart } from '../runtime/parts/workflow';
import { orderInput, stepHandler } from '../runtime/step';
import { buyLabel } from './buy-label';

export const createHandler = (deps = awsDeps(corePart, carrierPart, workflowPart)) =>
  stepHandler(orderInput, buyLabel, deps);
export const handler = createHandler();
