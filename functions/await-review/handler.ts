import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { topicsPart } from '../runtime/parts/messaging';
import { workflowPart } from '../runtime/parts/workflow';
import { parkInput, stepHandler } from '../runtime/step';
import { awaitReview } from './await-review';

export const createHandler = (deps = awsDeps(corePart, topicsPart, workflowPart)) =>
  stepHandler(parkInput, awaitReview, deps);
export const handler = createHandler();
