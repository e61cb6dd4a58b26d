import { defaultDeps } from '../shared/deps';
import { stepHandler } from '../shared/step';
import { confirmInput, confirmOrder } from './confirm-order';

export const createHandler = (deps = defaultDeps) => stepHandler(confirmInput, confirmOrder, deps);
export const handler = createHandler();
