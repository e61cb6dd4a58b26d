import { defaultDeps } from '../runtime/deps';
import { orderInput, stepHandler } from '../runtime/step';
import { validateOrder } from './validate-order';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, validateOrder, deps);
export const handler = createHandler();
