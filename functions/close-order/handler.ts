import { defaultDeps } from '../runtime/deps';
import { stepHandler } from '../runtime/step';
import { closeInput, closeOrder } from './close-order';

export const createHandler = (deps = defaultDeps) => stepHandler(closeInput, closeOrder, deps);
export const handler = createHandler();
