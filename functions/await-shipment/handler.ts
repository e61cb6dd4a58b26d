import { defaultDeps } from '../shared/deps';
import { stepHandler } from '../shared/step';
import { awaitShipment, parkInput } from './await-shipment';

export const createHandler = (deps = defaultDeps) => stepHandler(parkInput, awaitShipment, deps);
export const handler = createHandler();
