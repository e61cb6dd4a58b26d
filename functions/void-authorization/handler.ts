import { defaultDeps } from '../shared/deps';
import { orderInput, stepHandler } from '../shared/step';
import { voidAuthorization } from './void-authorization';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, voidAuthorization, deps);
export const handler = createHandler();
