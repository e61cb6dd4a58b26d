import { defaultDeps } from '../runtime/deps';
import { orderInput, stepHandler } from '../runtime/step';
import { reauthorizePayment } from './reauthorize-payment';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, reauthorizePayment, deps);
export const handler = createHandler();
