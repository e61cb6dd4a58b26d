import { defaultDeps } from '../shared/deps';
import { stepHandler } from '../shared/step';
import { trackDelivery, trackInput } from './track-delivery';

export const createHandler = (deps = defaultDeps) => stepHandler(trackInput, trackDelivery, deps);
export const handler = createHandler();
