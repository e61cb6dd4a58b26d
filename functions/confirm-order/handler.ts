import { defaultDeps } from '../runtime/deps';
import { stepHandler } from '../runtime/step';
import { confirmInput, confirmOrder } from './confirm-order';

export const createHandler = (deps = defaultDeps) => stepHandler(confirmInput, confirmOrder, deps);
export const handler = createHandler();
