import { defaultDeps } from '../shared/deps';
import { orderInput, stepHandler } from '../shared/step';
import { buyLabel } from './buy-label';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, buyLabel, deps);
export const handler = createHandler();
