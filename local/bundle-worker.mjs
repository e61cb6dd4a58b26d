// The Lambda runtime of the deployed bundles, in a process of its own (plain JavaScript, so any Node binary runs it,
// Node.js 22 as in Lambda): it imports a function's bundle once, calls its `handler` export with each event and a
// fresh context, and reports a thrown error as Lambda does, by `errorType` (the error's `name`) and `errorMessage`.
// The parent (local/bundle-runtime.ts) sends `{id, file, event, context}` and gets `{id, result}` or
// `{id, error}` back.
import { pathToFileURL } from 'node:url';

const modules = new Map();

const load = (file) => {
  let module = modules.get(file);
  if (!module) {
    module = import(pathToFileURL(file).href);
    modules.set(file, module);
  }
  return module;
};

/** The parent's Lambda context (local/lambda-runtime.ts) again, with its clock: functions do not cross processes. */
const contextOf = ({ deadline, ...fields }) => ({
  ...fields,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
});

process.on('message', async ({ id, file, event, context }) => {
  try {
    const { handler } = await load(file);
    if (typeof handler !== 'function') throw new TypeError(`${file} exports no handler`);
    const result = await handler(event, contextOf(context));
    process.send({ id, result: result === undefined ? null : result });
  } catch (error) {
    const isError = error instanceof Error;
    process.send({
      id,
      error: {
        errorType: isError ? error.name : 'Error',
        errorMessage: isError ? error.message : String(error),
      },
    });
  }
});
process.send({ ready: process.version });
