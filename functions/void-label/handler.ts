import { defaultDeps } from '../shared/deps';
import { orderInput, stepHandler } from '../shared/step';
import { voidLabel } from './void-label';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, voidLabel, deps);
export const handler = createHandler();
