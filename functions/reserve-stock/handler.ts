import { defaultDeps } from '../runtime/deps';
import { orderInput, stepHandler } from '../runtime/step';
import { reserveStock } from './reserve-stock';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, reserveStock, deps);
export const handler = createHandler();
