import { defaultDeps } from '../runtime/deps';
import { stepHandler } from '../runtime/step';
import { awaitShipment, parkInput } from './await-shipment';

export const createHandler = (deps = defaultDeps) => stepHandler(parkInput, awaitShipment, deps);
export const handler = createHandler();
