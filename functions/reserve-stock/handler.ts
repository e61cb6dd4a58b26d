import { defaultDeps } from '../shared/deps';
import { orderInput, stepHandler } from '../shared/step';
import { reserveStock } from './reserve-stock';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, reserveStock, deps);
export const handler = createHandler();
