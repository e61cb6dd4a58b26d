import { defaultDeps } from '../runtime/deps';
import { orderInput, stepHandler } from '../runtime/step';
import { capturePayment } from './capture-payment';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, capturePayment, deps);
export const handler = createHandler();
