import { defaultDeps } from '../shared/deps';
import { orderInput, stepHandler } from '../shared/step';
import { capturePayment } from './capture-payment';

export const createHandler = (deps = defaultDeps) => stepHandler(orderInput, capturePayment, deps);
export const handler = createHandler();
