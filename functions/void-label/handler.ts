import { defaultDeps } from '../runtime/deps';
import { orderInput, stepHandler } from '../runtime/step';
import { voidLabel } from './void-label';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, voidLabel, deps);
export const handler = createHandler();
