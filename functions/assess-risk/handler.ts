import { defaultDeps } from '../runtime/deps';
import { orderInput, stepHandler } from '../runtime/step';
import { assessRisk } from './assess-risk';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, assessRisk, deps);
export const handler = createHandler();
