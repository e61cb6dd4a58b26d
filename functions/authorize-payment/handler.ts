import { defaultDeps } from '../runtime/deps';
import { orderInput, stepHandler } from '../runtime/step';
import { authorizePayment } from './authorize-payment';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, authorizePayment, deps);
export const handler = createHandler();
