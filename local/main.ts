// `npm start`: the whole system on this machine, no AWS account, no Docker. Settings come from the environment
// (CONTRACT.md, "Local runtime settings"); Ctrl-C stops it, and the next start carries on where it stopped.
import { parseFaultSpec } from './faults';
import { readSettings } from './settings';
import { startLocalSystem } from './system';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
// Business metrics are CloudWatch's; locally the dashboard reads the store instead.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// Node 20 is supported here; the SDK's notice about its future Node 22 requirement is noise on every start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const main = async (): Promise<void> => {
  const settings = readSettings(process.env);
  const faults = parseFaultSpec(process.env.ORDERFLOW_FAULTS);
  const system = await startLocalSystem(settings, faults ? { faults } : {});
  const [storefrontKey] = settings.apiKeys.split(',');
  console.log(
    [
      `Orderflow is running (local engine, data in ${settings.dataDir === ':memory:' ? 'memory' : settings.dataDir}).`,
      `  API and dashboard  ${system.url}`,
      `  mail viewer        ${system.mailUrl}`,
      `  outbox             ${system.url}/_local/outbox`,
      `  carrier simulation ${settings.carrierSimulation}, one business day = ${settings.daySeconds}s`,
      `  storefront key     ${storefrontKey?.split(':')[0] ?? ''} (x-api-key: ${storefrontKey?.split(':').slice(1).join(':') ?? ''})`,
      'Try the curl examples in README.md. Ctrl-C stops; the next start resumes every open order.',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (open orders resume at the next start)...`);
    system.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
