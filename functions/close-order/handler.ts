import { defaultDeps } from '../shared/deps';
import { stepHandler } from '../shared/step';
import { closeInput, closeOrder } from './close-order';

export const createHandler = (deps = defaultDeps) => stepHandler(closeInput, closeOrder, deps);
export const handler = createHandler();
