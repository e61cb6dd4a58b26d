// `npm run demo`: sample orders through the whole system (local/demo-scenarios.ts), each judged against the status
// and cause it must end in, printed as a table. The target is ORDERFLOW_URL if set (it must be up), else
// http://localhost:$PORT (default 3000); when nothing listens there the demo starts a stack of its own, in memory,
// with fast business days. It creates its own SKUs and orders and changes nothing else.
// Exit code: 0 every scenario as expected, 1 one or more not (the table says which), 2 the demo could not run.
import { parseApiKeys } from '../functions/runtime/config';
import type { ApiKeys } from './api-client';
import { DemoSetupError, runDemo } from './demo-driver';
import { demoExitCodes, formatReport } from './demo-scenarios';
import { readSettings, type LocalSettings } from './settings';
import type { LocalSystem } from './system';

/** The keys the demo sends, from the same settings the server reads (ORDERFLOW_API_KEYS, the webhook secret). */
const keysOf = (settings: LocalSettings): ApiKeys => {
  const keys = [...parseApiKeys(settings.apiKeys).entries()];
  return {
    storefront: keys.find(([, principal]) => principal !== 'ops')?.[0] ?? 'local-dev-key',
    ops: keys.find(([, principal]) => principal === 'ops')?.[0] ?? 'local-ops-key',
    webhookSecret: settings.webhookSecret,
  };
};

/** True when a server answers at `url` (whatever it answers); false when nothing listens there. */
const answers = async (url: string): Promise<boolean> => {
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
    return true;
  } catch {
    return false;
  }
};

/** A stack of the demo's own: in memory, simulation on, a 2-second business day, stopped when the demo ends. */
const startOwnStack = async (): Promise<LocalSystem> => {
  // Quiet handlers: the table is the output. Set before the system (and the handlers' logger) is loaded.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { startLocalSystem } = await import('./system');
  return startLocalSystem(
    readSettings({
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      ORDERFLOW_DATA_DIR: ':memory:',
      ORDERFLOW_MAIL_PORT: '0',
      ORDERFLOW_DAY_SECONDS: '2',
      ORDERFLOW_CARRIER_SIMULATION: 'auto',
    }),
  );
};

const main = async (): Promise<number> => {
  const settings = readSettings(process.env);
  const named = process.env.ORDERFLOW_URL?.replace(/\/+$/, '');
  let url = named ?? `http://localhost:${settings.port}`;
  let own: LocalSystem | undefined;
  if (!named && !(await answers(url))) {
    own = await startOwnStack();
    url = own.url;
    console.log(`Nothing runs at http://localhost:${settings.port}: started a stack in memory at ${url}.`);
  }
  try {
    const report = await runDemo({ url, keys: keysOf(settings) }, { log: (line) => console.log(line) });
    console.log(`\n${formatReport(report.results)}`);
    if (!own) console.log(`\nEvery message sent: ${url}/_local/outbox`);
    return report.exitCode;
  } finally {
    await own?.stop();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof DemoSetupError ? `npm run demo: ${error.message}` : error);
    process.exit(demoExitCodes.cannotRun);
  },
);
