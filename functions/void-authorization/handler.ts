import { defaultDeps } from '../runtime/deps';
import { orderInput, stepHandler } from '../runtime/step';
import { voidAuthorization } from './void-authorization';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, voidAuthorization, deps);
export const handler = createHandler();
