import { defaultDeps } from '../runtime/deps';
import { orderInput, stepHandler } from '../runtime/step';
import { buyLabel } from './buy-label';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, buyLabel, deps);
export const handler = createHandler();
