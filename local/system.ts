// Composes the whole system on one machine: dynalite (persisted under the data dir), the SES emulator, local SNS,
// the local Step Functions running the project's ASL file, the HTTP server turning requests into API Gateway
// events, the sandbox providers and the carrier simulator, all around the very handlers that run in AWS.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import sesEmulator from 'aws-ses-v2-local';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { functionCatalog } from '../catalog/functions';
import {
  definitionSubstitutions,
  loadWorkflowDefinitions,
  ORDER_WORKFLOW_ID,
  RETURN_WORKFLOW_ID,
  substituteDefinition,
  type WorkflowDefinition,
} from '../catalog/workflows';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { composeDeps } from '../functions/runtime/compose';
import { loadConfig, parseApiKeys } from '../functions/runtime/config';
import type { Deps } from '../functions/runtime/deps';
import type { SandboxShipment } from '../functions/adapters/carrier/sandbox-carrier';
import type { Db } from '../functions/adapters/order-store';
import { documentClient } from '../functions/adapters/dynamo';
import { startLocalStore } from './dynamo-store';
import {
  dynamoClient,
  recordEmail,
  sesClient,
  sfnAnswer,
  sfnClient,
  snsAnswer,
  snsClient,
  type PublishedEvent,
} from './aws-clients';
import { startAwsEndpoints, type AwsEndpoints } from './aws-endpoints';
import { BatchedPuts } from './batched-puts';
import { bundleFile } from './bundles';
import { startBundleRuntime, type BundleRuntime } from './bundle-runtime';
import { CarrierSimulator } from './carrier-simulator';
import { Counters } from './counters';
import { FaultInjector, throttleStore, withProviderFaults, type FaultOptions } from './faults';
import { startHttpServer, type ApiRoute } from './http-server';
import { LambdaRuntime, type LambdaHandler } from './lambda-runtime';
import { localRoutes } from './local-routes';
import { RateLimiter } from './rate-limit';
import { changeFromApiCommand, changeFromOrderEvent, OrderFeed } from './order-feed';
import { LocalOrderStream } from './order-stream';
import { Outbox } from './outbox';
import { startSchedules } from './schedules';
import { seedDemoCatalog } from './seed';
import type { LocalSettings } from './settings';
import { LocalStepFunctions } from './step-functions';
import { createLocalTables, localEngineTable, localTableName } from './tables';
import { projectRoot } from '../catalog/paths';
import { ordersTable, inventoryTable } from '../catalog/tables';

export const stateMachineArn = 'arn:aws:states:local:000000000000:stateMachine:order-fulfillment';
export const returnStateMachineArn = 'arn:aws:states:local:000000000000:stateMachine:order-return';
const opsTopicArn = 'arn:aws:sns:local:000000000000:orderflow-ops';
const orderEventsTopicArn = 'arn:aws:sns:local:000000000000:orderflow-order-events';
const ordersStreamArn = 'arn:aws:dynamodb:local:000000000000:table/Orders/stream/local';
const localFunctionArn = (id: string): string => `arn:aws:lambda:local:000000000000:function:orderflow-${id}`;

export interface StartOptions {
  /** Seed the demo catalog on a first start (default true). */
  seed?: boolean;
  /** Milliseconds between workflow Retry attempts (default 200). */
  retryIntervalMs?: number;
  /** Called as soon as the HTTP server listens (it answers 503 STARTING until the system is ready). */
  onListening?: (url: string) => void;
  /**
   * Run the deployed bundles (built by local/bundles.ts into `dir`) instead of the TypeScript sources: each in a
   * separate Node process (`node`: its binary, default the current one) with the stack's environment, its AWS
   * clients pointed at the local parts. The carrier simulation must be `off` (see docs/decisions.md).
   */
  bundles?: { dir: string; node?: string | undefined };
  /**
   * Run the real provider adapters (Stripe, EasyPost) instead of the sandbox ones, against whatever `fetch` answers
   * (tests replay recorded exchanges): `environment` selects them as a stage's would (PAYMENT_PROVIDER,
   * CARRIER_PROVIDER, their secret names, SHIP_FROM_ADDRESS), `secrets` serves those secrets. Sources only.
   */
  providers?: { environment: Record<string, string>; secrets: SecretsManagerClient; fetch: typeof fetch };
  /**
   * Inject faults (local/faults.ts): provider failures and timeouts, store throttling. The Lambda runtime then
   * enforces the function timeout. Sources only; `npm start` reads ORDERFLOW_FAULTS.
   */
  faults?: FaultOptions;
}

export interface LocalSystem {
  url: string;
  port: number;
  mailUrl: string;
  settings: LocalSettings;
  counters: Counters;
  outbox: Outbox;
  /** The order workflow's engine. */
  engine: LocalStepFunctions;
  /** The return workflow's engine. */
  returnEngine: LocalStepFunctions;
  /** The in-process Lambda runtime (tests swap a handler here to inject a fault). */
  lambdas: LambdaRuntime;
  /** The Node version the handlers run on: this process's, or the bundle runtime's. */
  functionsNodeVersion: string;
  deps: Deps;
  /** Messages published to topics other than ops (the order-events topic). */
  topicMessages: PublishedEvent[];
  /** Every order change as it happens (the dashboard's live updates). */
  orderFeed: OrderFeed;
  /** The Orders table's stream, handed to the order-events publisher (local/order-stream.ts). */
  orderStream: LocalOrderStream;
  /** The fault injector, when faults were configured (tests change its rules as they go). */
  faults?: FaultInjector;
  stop(): Promise<void>;
}

/** A workflow's ASL file with the substitutions the stack passes, each function named by its local ARN. */
export const loadDefinition = (definition: WorkflowDefinition): StateMachineDefinition =>
  JSON.parse(
    substituteDefinition(
      definition.file,
      readFileSync(definition.file, 'utf8'),
      definitionSubstitutions(definition, (spec) => localFunctionArn(spec.id)),
    ),
  ) as StateMachineDefinition;

const close = (server: Server | { close: (cb: (error?: Error) => void) => unknown }) =>
  new Promise<void>((done) => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => done());
  });

type HandlerModule = { createHandler?: (deps: () => Deps) => LambdaHandler; handler?: LambdaHandler };

export const startLocalSystem = async (
  settings: LocalSettings,
  options: StartOptions = {},
): Promise<LocalSystem> => {
  if (options.bundles && settings.carrierSimulation === 'auto') {
    throw new Error(
      'the bundles run with ORDERFLOW_CARRIER_SIMULATION=off only (their sandbox carrier is not wired)',
    );
  }
  // Store: dynalite, on disk under the data dir or in memory.
  const inMemory = settings.dataDir === ':memory:';
  const dbPath = inMemory ? undefined : join(resolve(settings.dataDir), 'dynamodb');
  if (dbPath) mkdirSync(dbPath, { recursive: true });
  // The Orders table's stream: every committed put of an order item, handed to its consumer once it is registered.
  const streamConsumer = functionCatalog.find((spec) => spec.stream?.table === 'Orders');
  if (!streamConsumer?.stream) throw new Error('catalog/functions.ts: no consumer of the Orders stream');
  const orderStream = new LocalOrderStream({
    source: streamConsumer.stream,
    streamArn: ordersStreamArn,
    invoke: (event) => lambdas.invoke(streamConsumer.id, event),
    retryIntervalMs: options.retryIntervalMs ?? 200,
  });
  const store = await startLocalStore(dbPath, {
    watchTables: [localTableName(ordersTable)],
    onPut: (put) => orderStream.record(put),
  });
  const storeEndpoint = store.endpoint;
  const counters = new Counters();
  if (options.faults && options.bundles) throw new Error('faults are injected into the sources only');
  const faults = options.faults ? new FaultInjector(options.faults) : undefined;
  const appDynamo = dynamoClient(storeEndpoint, counters);
  if (faults) throttleStore(appDynamo, faults);
  const engineDynamo = dynamoClient(storeEndpoint);
  await createLocalTables(engineDynamo);
  const engineDoc = documentClient(engineDynamo);
  const db: Db = {
    doc: documentClient(appDynamo),
    tables: { orders: localTableName(ordersTable), inventory: localTableName(inventoryTable) },
  };
  const engineTablePuts = new BatchedPuts(engineDoc, localEngineTable);
  const outbox = new Outbox(engineDoc, localEngineTable, engineTablePuts);
  if (!inMemory) {
    orderStream.persistIn({
      client: engineDynamo,
      doc: engineDoc,
      table: localEngineTable,
      puts: engineTablePuts,
      ordersTable: db.tables.orders,
      journal: join(resolve(settings.dataDir), 'order-stream.jsonl'),
    });
  }

  // Email: the SES v2 emulator (with its mail viewer); SMS and topics: local SNS.
  const startSes =
    typeof sesEmulator === 'function'
      ? sesEmulator
      : (sesEmulator as { default: typeof sesEmulator }).default;
  const mailServer = await startSes({ host: '127.0.0.1', port: settings.mailPort });
  const mailPort = (mailServer.address() as AddressInfo).port;
  const topicMessages: PublishedEvent[] = [];
  const orderFeed = new OrderFeed();
  const feedOrderEvent = (event: PublishedEvent) => {
    const change = event.topicArn === orderEventsTopicArn ? changeFromOrderEvent(event) : undefined;
    if (change) orderFeed.publish(change);
  };

  // The API first (the port goes into links), answering 503 STARTING until the whole system is ready.
  const lambdas = new LambdaRuntime(counters, faults ? { timeoutMs: faults.functionTimeoutMs } : {});
  const routes: ApiRoute[] = functionCatalog.flatMap((spec) =>
    (spec.routes ?? []).map((route) => ({ ...route, functionId: spec.id })),
  );
  const ready: { routes?: ReturnType<typeof localRoutes>; all: boolean } = { all: false };
  const server = await startHttpServer({
    port: settings.port,
    host: settings.host,
    routes,
    lambdas,
    counters,
    localRoutes: (method, url) => ready.routes?.(method, url) ?? Promise.resolve(undefined),
    isReady: () => ready.all,
    rateLimiter: new RateLimiter(settings.rateLimits, parseApiKeys(settings.apiKeys).keys()),
    onApiAnswer: (event, result) => {
      const change = changeFromApiCommand(event, result);
      if (change) orderFeed.publish(change);
    },
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  options.onListening?.(url);

  // The handlers' environment, as the stack sets it for each function (here the union of them all).
  const environment: Record<string, string> = {
    ORDERS_TABLE: db.tables.orders,
    INVENTORY_TABLE: db.tables.inventory,
    STATE_MACHINE_ARN: stateMachineArn,
    RETURN_STATE_MACHINE_ARN: returnStateMachineArn,
    SENDER_EMAIL: 'orders@orderflow.local',
    OPS_TOPIC_ARN: opsTopicArn,
    ORDER_EVENTS_TOPIC_ARN: orderEventsTopicArn,
    WEBHOOK_SECRET: settings.webhookSecret,
    STRIPE_WEBHOOK_SECRET: settings.stripeWebhookSecret,
    API_KEYS: settings.apiKeys,
    DAY_SECONDS: String(settings.daySeconds),
    PUBLIC_BASE_URL: url,
    STORE_NAME: settings.storeName,
    SUPPORT_EMAIL: settings.supportEmail,
    TRACKING_LINK_SECRET: `${settings.webhookSecret}:tracking`,
    RISK_HASH_KEY: `${settings.webhookSecret}:risk`,
    ...options.providers?.environment,
  };
  if (options.providers && options.bundles) throw new Error('the real providers run from the sources only');
  const config = loadConfig(environment);

  const simulator = new CarrierSimulator({
    doc: engineDoc,
    table: db.tables.orders,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/carrier/sandbox`,
    secret: settings.webhookSecret,
  });
  const engines = new Map<string, LocalStepFunctions>();
  const simulate =
    settings.carrierSimulation === 'auto'
      ? (shipment: SandboxShipment) => simulator.schedule(shipment)
      : undefined;
  const mailUrl = `http://127.0.0.1:${mailPort}`;
  const composed = composeDeps(
    config,
    {
      dynamo: appDynamo,
      ses: sesClient(mailUrl, outbox, counters),
      sns: snsClient(opsTopicArn, outbox, counters, topicMessages, feedOrderEvent),
      sfn: sfnClient(() => engines),
      ...(options.providers ? { secrets: options.providers.secrets } : {}),
    },
    // In auto mode the simulator plays every new label's scans, and the new ones after an intercept.
    { onSandboxShipment: simulate, ...(options.providers ? { providerFetch: options.providers.fetch } : {}) },
  );
  const deps = faults ? withProviderFaults(composed, faults) : composed;

  // The handlers: every function of the catalog, from its own module with the local dependencies, or from its
  // deployed bundle with the stack's environment.
  let awsEndpoints: AwsEndpoints | undefined;
  let bundleRuntime: BundleRuntime | undefined;
  let functionsNodeVersion = process.version;
  if (options.bundles) {
    awsEndpoints = await startAwsEndpoints({
      sfn: sfnAnswer(() => engines),
      sns: snsAnswer(opsTopicArn, outbox, counters, topicMessages, feedOrderEvent),
      recordEmail: (input) => recordEmail(outbox, counters, input),
      sesUrl: mailUrl,
    });
    bundleRuntime = await startBundleRuntime({
      node: options.bundles.node,
      environment: {
        ...environment,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: storeEndpoint,
        AWS_ENDPOINT_URL_SESV2: awsEndpoints.url,
        AWS_ENDPOINT_URL_SNS: awsEndpoints.url,
        AWS_ENDPOINT_URL_SFN: awsEndpoints.url,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
        POWERTOOLS_METRICS_DISABLED: 'true',
      },
    });
    functionsNodeVersion = bundleRuntime.nodeVersion;
    for (const spec of functionCatalog) {
      lambdas.register(spec.id, bundleRuntime.handler(bundleFile(options.bundles.dir, spec.id)));
    }
  } else {
    for (const spec of functionCatalog) {
      const module = (await import(pathToFileURL(join(projectRoot, spec.entry)).href)) as HandlerModule;
      const handler = module.createHandler ? module.createHandler(() => deps) : module.handler;
      if (!handler) throw new Error(`${spec.entry} exports neither createHandler nor handler`);
      lambdas.register(spec.id, handler);
    }
  }
  const functionIds = new Map(functionCatalog.map((spec) => [localFunctionArn(spec.id), spec.id]));
  const definitions = loadWorkflowDefinitions(join(projectRoot, 'statemachines'), functionCatalog);
  const machine = (workflowId: string, arn: string) =>
    new LocalStepFunctions({
      definition: loadDefinition(definitions.find((definition) => definition.id === workflowId)!),
      stateMachineArn: arn,
      functionIds,
      lambdas,
      counters,
      doc: engineDoc,
      table: localEngineTable,
      puts: engineTablePuts,
      retryIntervalMs: options.retryIntervalMs ?? 200,
    });
  const engine = machine(ORDER_WORKFLOW_ID, stateMachineArn);
  const returnEngine = machine(RETURN_WORKFLOW_ID, returnStateMachineArn);
  engines.set(stateMachineArn, engine);
  engines.set(returnStateMachineArn, returnEngine);
  ready.routes = localRoutes({
    db,
    outbox,
    engine,
    returnEngine,
    feed: orderFeed,
    mailUrl: `http://localhost:${mailPort}`,
    settings,
  });

  if (options.seed ?? true) await seedDemoCatalog(db, engineDoc, localEngineTable);
  // The status changes a crash left unpublished go first, before anything writes again.
  await orderStream.catchUp();
  orderStream.start();
  await engine.resumeAll();
  await returnEngine.resumeAll();
  // Orders stored before a crash whose workflow never started: start them now (no request is in flight yet, so
  // no grace), then sweep on the stack's schedule.
  await lambdas.invoke('IntakeSweep', { graceSeconds: 0 });
  // With the carrier simulation off only webhooks posted from outside move a parcel: no scheduled function that asks
  // the carrier (parcel reconciliation) runs by itself then; tests invoke it.
  const schedules = startSchedules(
    settings.carrierSimulation === 'auto'
      ? functionCatalog
      : functionCatalog.filter((spec) => !spec.capabilities.includes('carrierProvider')),
    lambdas,
    settings.daySeconds,
  );
  // Ready: every route can be served. The simulator comes after, as the API's client it is.
  ready.all = true;
  if (settings.carrierSimulation === 'auto') await simulator.resumeAll();

  let stopped = false;
  return {
    url,
    port,
    mailUrl: `http://localhost:${mailPort}`,
    settings,
    counters,
    outbox,
    engine,
    returnEngine,
    lambdas,
    functionsNodeVersion,
    deps,
    topicMessages,
    orderFeed,
    orderStream,
    ...(faults ? { faults } : {}),
    async stop() {
      if (stopped) return;
      stopped = true;
      faults?.release();
      orderFeed.close();
      simulator.stop();
      schedules.stop();
      await close(server);
      await engine.stop();
      await returnEngine.stop();
      await lambdas.drain();
      // Records not handed yet are caught up at the next start (on disk).
      await orderStream.stop();
      // The outbox messages of the last invocations, and the order stream's positions.
      await engineTablePuts.flush();
      await bundleRuntime?.stop();
      await awsEndpoints?.stop();
      await close(mailServer);
      await store.close();
    },
  };
};
