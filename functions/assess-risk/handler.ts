import { defaultDeps } from '../shared/deps';
import { orderInput, stepHandler } from '../shared/step';
import { assessRisk } from './assess-risk';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, assessRisk, deps);
export const handler = createHandler();
