import { defaultDeps } from '../runtime/deps';
import { stepHandler } from '../runtime/step';
import { trackReturn, trackReturnInput } from './track-return';

export const createHandler = (deps = defaultDeps) => stepHandler(trackReturnInput, trackReturn, deps);
export const handler = createHandler();
