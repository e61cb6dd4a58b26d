import { defaultDeps } from '../shared/deps';
import { orderInput, stepHandler } from '../shared/step';
import { validateOrder } from './validate-order';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, validateOrder, deps);
export const handler = createHandler();
