import { defaultDeps } from '../shared/deps';
import { stepHandler } from '../shared/step';
import { trackReturn, trackReturnInput } from './track-return';

export const createHandler = (deps = defaultDeps) => stepHandler(trackReturnInput, trackReturn, deps);
export const handler = createHandler();
