import { defaultDeps } from '../shared/deps';
import { orderInput, stepHandler } from '../shared/step';
import { authorizePayment } from './authorize-payment';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, authorizePayment, deps);
export const handler = createHandler();
