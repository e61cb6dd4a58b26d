import { defaultDeps } from '../shared/deps';
import { orderInput, stepHandler } from '../shared/step';
import { releaseStock } from './release-stock';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, releaseStock, deps);
export const handler = createHandler();
