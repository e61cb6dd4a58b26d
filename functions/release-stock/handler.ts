import { defaultDeps } from '../runtime/deps';
import { orderInput, stepHandler } from '../runtime/step';
import { releaseStock } from './release-stock';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, releaseStock, deps);
export const handler = createHandler();
