import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { workflowPart } from '../runtime/parts/workflow';
import { stepHandler } from '../runtime/step';
import { awaitShipment, parkInput } from './await-shipment';

export const createHandler = (deps = awsDeps(corePart, workflowPart)) =>
  stepHandler(parkInput, awaitShipment, deps);
export const handler = createHandler();
