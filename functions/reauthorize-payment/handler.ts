import { defaultDeps } from '../shared/deps';
import { orderInput, stepHandler } from '../shared/step';
import { reauthorizePayment } from './reauthorize-payment';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, reauthorizePayment, deps);
export const handler = createHandler();
