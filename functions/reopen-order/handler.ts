import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { topicsPart } from '../runtime/parts/messaging';
import { stepHandler } from '../runtime/step';
import { reopenInput, reopenOrder } from './reopen-order';

export const createHandler = (deps = awsDeps(corePart, topicsPart)) =>
  stepHandler(reopenInput, reopenOrder, deps);
export const handler = createHandler();
