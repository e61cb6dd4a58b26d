import { awsDeps } from '../runtime/parts/part';
import { corePart } from '../runtime/parts/core';
import { stepHandler } from '../runtime/step';
import { reopenInput, reopenOrder } from './reopen-order';

export const createHandler = (deps = awsDeps(corePart)) => stepHandler(reopenInput, reopenOrder, deps);
export const handler = createHandler();
