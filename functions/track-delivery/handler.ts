import { defaultDeps } from '../runtime/deps';
import { stepHandler } from '../runtime/step';
import { trackDelivery, trackInput } from './track-delivery';

export const createHandler = (deps = defaultDeps) => stepHandler(trackInput, trackDelivery, deps);
export const handler = createHandler();
