// The carrier part: EasyPost (its API key from Secrets Manager) or the sandbox carrier (its shipments in the
// Orders table; the local simulator is told of each new label).
import { EasyPostCarrier } from '../../adapters/carrier/easypost-carrier';
import { SandboxCarrier } from '../../adapters/carrier/sandbox-carrier';
import type { CarrierDeps } from '../deps';
import { dbOf } from './core';
import type { Part } from './part';
import { secretOf } from './secrets';

export const carrierPart: Part<CarrierDeps> = (context) => {
  const { config, options } = context;
  if (config.carrierProvider === 'easypost') {
    return {
      carrier: new EasyPostCarrier({
        apiKey: secretOf(context, config.secretNames.easypost),
        fromAddress: config.shipFrom,
        fetch: options.providerFetch,
      }),
    };
  }
  return {
    carrier: new SandboxCarrier({
      doc: dbOf(context).doc,
      table: config.tables.orders,
      daySeconds: config.daySeconds,
      baseUrl: config.publicBaseUrl,
      onLabelCreated: options.onSandboxShipment,
      onScheduleChanged: options.onSandboxShipment,
    }),
  };
};
