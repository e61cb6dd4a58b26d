import { defaultDeps } from '../runtime/deps';
import { parkInput, stepHandler } from '../runtime/step';
import { awaitReview } from './await-review';

export const createHandler = (deps = defaultDeps) => stepHandler(parkInput, awaitReview, deps);
export const handler = createHandler();
