// Fuzzing the HTTP entry points of a running local system: a raw HTTP client (any method, path, header and byte
// body, as a hostile client sends them), the arbitraries of hostile input, the contract's error shape, and a tally
// of what the system wrote (store writes, executions started, messages) to prove a refusal changed nothing.
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import * as z from 'zod';
import type { LocalSystem } from '../../local/system';

export interface RawRequest {
  method: string;
  /** Sent as is: percent-encoding and all. */
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export interface RawAnswer {
  status: number;
  contentType: string | undefined;
  text: string;
}

// A connection per request: no request meets a connection the server is closing (its keep-alive timeout, or the
// `connection: close` of a refusal).
const agent = new Agent({ keepAlive: false, maxSockets: 4 });

/** One request over real HTTP; a server that does not answer within `timeoutMs` fails it (a hang is a bug). */
export const send = (baseUrl: string, input: RawRequest, timeoutMs = 10_000): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const url = new URL(baseUrl);
    const body = input.body ?? new Uint8Array();
    const outgoing = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: input.method,
        path: input.path,
        headers: { ...input.headers, 'content-length': String(body.byteLength) },
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'],
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`no answer within ${timeoutMs} ms: ${input.method} ${input.path}`)),
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });

export const closeFuzzClient = (): void => agent.destroy();

/** The contract's error body: `{"error": {"code": "UPPER_SNAKE", "message": "...", "details": [...]}}`. */
const errorShape = z
  .object({
    error: z
      .object({
        code: z.string().regex(/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/),
        message: z.string().min(1),
        details: z.array(z.object({ path: z.string().min(1), message: z.string().min(1) }).strict()),
      })
      .strict(),
  })
  .strict();

/** Why an answer is not a refusal in the contract's shape, or undefined when it is one. */
export const refusalProblem = (answer: RawAnswer): string | undefined => {
  if (answer.status < 400 || answer.status >= 500)
    return `status ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (!answer.contentType?.startsWith('application/json')) return `content type ${answer.contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `body is not JSON: ${answer.text.slice(0, 300)}`;
  }
  const parsed = errorShape.safeParse(body);
  return parsed.success ? undefined : `error body ${answer.text.slice(0, 300)}: ${parsed.error.message}`;
};

// ---- What the system wrote ----

/** Everything a request may change: store writes, executions started, messages published or sent, the outbox. */
export interface WriteTally {
  storeWrites: number;
  executionsStarted: number;
  messages: number;
  outbox: number;
}

/** The tally of the system's side effects so far (the outbox read after its batched puts are flushed). */
export const writeTally = async (system: LocalSystem): Promise<WriteTally> => {
  await system.lambdas.drain();
  const counters = system.counters.snapshot();
  return {
    storeWrites: counters.dynamoWrites,
    executionsStarted: counters.executionsStarted,
    messages: counters.snsPublishes + counters.emails + counters.sms,
    outbox: (await system.outbox.list()).length,
  };
};

/** The side effects counted in-process (no outbox read): cheap enough to take around every request. */
export const quickTally = (system: LocalSystem): number => {
  const counters = system.counters.snapshot();
  return (
    counters.dynamoWrites +
    counters.executionsStarted +
    counters.snsPublishes +
    counters.emails +
    counters.sms
  );
};

export const writesBetween = (before: WriteTally, after: WriteTally): number =>
  after.storeWrites -
  before.storeWrites +
  (after.executionsStarted - before.executionsStarted) +
  (after.messages - before.messages) +
  (after.outbox - before.outbox);

/** What one entry point's fuzzing measured: requests sent, answers of each kind, writes seen. */
export class EntryPointFigures {
  requests = 0;
  serverErrors = 0;
  accepted = 0;
  writes = 0;
  readonly statuses: Record<string, number> = {};

  constructor(readonly entryPoint: string) {}

  record(answer: RawAnswer, writes: number): void {
    this.requests += 1;
    this.statuses[answer.status] = (this.statuses[answer.status] ?? 0) + 1;
    if (answer.status >= 500) this.serverErrors += 1;
    if (answer.status < 400) this.accepted += 1;
    this.writes += writes;
  }

  /** One JSON line: the figures of this entry point. */
  report(): void {
    console.info(
      JSON.stringify({
        figure: 'fuzz',
        entryPoint: this.entryPoint,
        requests: this.requests,
        serverErrors: this.serverErrors,
        accepted: this.accepted,
        writes: this.writes,
        statuses: this.statuses,
      }),
    );
  }
}

// ---- Hostile input ----

const encoder = new TextEncoder();
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** The text's UTF-8 bytes percent-encoded (letters, digits, `_` and `-` as they are), as a URL carries it. */
export const percentEncoded = (text: string): string =>
  [...utf8(text)]
    .map((byte) =>
      /[A-Za-z0-9_-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).padStart(2, '0')}`,
    )
    .join('');

/** Strings a careless parser or store trips over: lone surrogates, NUL, bidi overrides, emoji, combining marks. */
export const trickyStrings = [
  '\uD800',
  '\uDFFF',
  'Ada \uD83D',
  '\u0000',
  'nul\u0000byte',
  '\u202Egnp.exe',
  'مرحبا بالعالم',
  '😀👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301',
  '\uFEFFbom',
  '\uFFFD',
  '',
  ' ',
  '\t\r\n',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  '%00%ff',
  '4111 1111 1111 1111',
];

const trickyUnit = fc.constantFrom(
  '\uD800',
  '\uDC00',
  '\u0000',
  '\u202E',
  '😀',
  'a',
  '\u0301',
  '\uFFFF',
  ' ',
);

/** Any text: every code point, lone surrogates and NUL included, now and then huge. */
export const fuzzString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: trickyUnit, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...trickyStrings) },
  { weight: 1, arbitrary: fc.integer({ min: 201, max: 70_000 }).map((n) => 'x'.repeat(n)) },
);

/** Numbers no field takes as they are: negative, fractional, huge, unsafe, and -0 (which JSON keeps as 0). */
export const fuzzNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1_000_000_000, max: -1 }),
  fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    -0,
    0.5,
    1e8 + 1,
    1e15,
    Number.MAX_SAFE_INTEGER,
    2 ** 53 + 2,
    1e21,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    -Number.MAX_VALUE,
  ),
);

/** Number literals as raw text, most of them not JSON at all (`NaN`, `1e400`, `0x10`) or not a finite double. */
export const rawNumberTexts = [
  '1e400',
  '-1e400',
  '1e-400',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '0x10',
  '01',
  '+1',
  '.5',
  '1.',
  '1e',
  '9007199254740991',
  '9007199254740993',
  '8640000000001',
  '1e15',
  '-1',
  '0.5',
  '123456789012345678901234567890',
  '4498.0000000000001',
  '1E2',
  'null',
  'true',
  '"4498"',
  '[]',
  '{}',
];

/** Any JSON value, strings drawn from every code point. */
export const fuzzJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3, noUnicodeString: false }),
  fc
    .anything({ maxDepth: 3, withNullPrototype: true })
    .map((value): unknown => JSON.parse(JSON.stringify(value) ?? 'null')),
  fuzzString,
  fuzzNumber,
);

/** `depth` levels of arrays or objects: 20 to 90 KB of brackets. */
export const deepNesting = fc
  .record({
    depth: fc.integer({ min: 5_000, max: 10_000 }),
    kind: fc.constantFrom('array', 'object', 'mixed'),
  })
  .map(({ depth, kind }) => {
    if (kind === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    if (kind === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    return `${'[{"a":'.repeat(depth / 2)}1${'}]'.repeat(depth / 2)}`;
  });

/** Byte sequences that are not UTF-8: stray continuation bytes, overlong forms, encoded surrogates, cut-off runs. */
const invalidUtf8Runs = [
  [0xff],
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0x80],
  [0xf8, 0x88, 0x80, 0x80],
];

/** The text's UTF-8 bytes with an invalid run spliced in at `at` (a fraction of the length). */
export const withInvalidUtf8 = (text: string) =>
  fc
    .record({ at: fc.double({ min: 0, max: 1, noNaN: true }), run: fc.constantFrom(...invalidUtf8Runs) })
    .map(({ at, run }) => {
      const bytes = utf8(text);
      const cut = Math.floor(at * bytes.length);
      return Uint8Array.from([...bytes.subarray(0, cut), ...run, ...bytes.subarray(cut)]);
    });

/** Content types that are not JSON, and none at all. */
export const wrongContentType = fc.constantFrom(
  undefined,
  '',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonx',
  'application/octet-stream',
  'json',
);

/** A JSON path into a value: every place one field could be replaced. */
const pathsOf = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
  if (Array.isArray(value))
    return value.flatMap((item, i) => [[...prefix, i], ...pathsOf(item, [...prefix, i])]);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [
      [...prefix, key],
      ...pathsOf(item, [...prefix, key]),
    ]);
  }
  return [];
};

const replaced = (value: unknown, path: (string | number)[], next: unknown): unknown => {
  if (path.length === 0) return next;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) {
    return (value as unknown[]).map((item, i) => (i === head ? replaced(item, rest, next) : item));
  }
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...record };
  if (next === undefined && rest.length === 0) delete copy[head];
  else copy[head] = replaced(record[head], rest, next);
  return copy;
};

/** The valid body with one mutation: a field replaced by a fuzzed value, removed, or an unknown field added. */
export const mutated = (valid: Record<string, unknown>): fc.Arbitrary<unknown> => {
  const paths = pathsOf(valid);
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.constantFrom(...paths), fuzzJsonValue)
        .map(([path, next]) => replaced(valid, path, next)),
    },
    { weight: 1, arbitrary: fc.constantFrom(...paths).map((path) => replaced(valid, path, undefined)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...paths), fc.string())
        .map(([path, key]) => replaced(valid, [...path.slice(0, -1), `x${key}`], 1)),
    },
  );
};

/** The valid body's JSON text with one number replaced by a raw literal (`1e400`, `NaN`, `-0`, ...). */
const numberPathsOf = (valid: Record<string, unknown>): (string | number)[][] => {
  const numberPaths = pathsOf(valid).filter((path) => {
    let value: unknown = valid;
    for (const key of path) value = (value as Record<string | number, unknown>)[key];
    return typeof value === 'number';
  });
  // A body without numbers gets one where a string was.
  return numberPaths.length > 0 ? numberPaths : pathsOf(valid);
};

const withLiteral = (valid: Record<string, unknown>, path: (string | number)[], literal: string): string =>
  JSON.stringify(replaced(valid, path, '\u0001raw\u0001')).replace('"\\u0001raw\\u0001"', literal);

/** The valid body's JSON text with one number replaced by a raw literal (`1e400`, `NaN`, `-0`, ...). */
export const withRawNumber = (valid: Record<string, unknown>): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom(...numberPathsOf(valid)), fc.constantFrom(...rawNumberTexts))
    .map(([path, literal]) => withLiteral(valid, path, literal));

/** Every number of the valid body replaced by every raw literal in turn: the boundaries, each one tried. */
export const everyRawNumber = (valid: Record<string, unknown>): BodyInput[] =>
  numberPathsOf(valid).flatMap((path) =>
    rawNumberTexts.map((literal) => ({
      body: utf8(withLiteral(valid, path, literal)),
      contentType: 'application/json',
    })),
  );

/** Text no field takes: lone surrogates (no UTF-8 form) and control characters. */
export const unprintableTexts = ['\uD800', 'Ada \uD83D', '\uDC00x', 'nul\u0000byte', 'bell\u0007', '\u007F'];

/** Every string of the valid body replaced by every unprintable text in turn. */
export const everyUnprintableText = (valid: Record<string, unknown>): BodyInput[] =>
  pathsOf(valid)
    .filter((path) => {
      let value: unknown = valid;
      for (const key of path) value = (value as Record<string | number, unknown>)[key];
      return typeof value === 'string';
    })
    .flatMap((path) =>
      unprintableTexts.map((text) => ({
        body: utf8(JSON.stringify(replaced(valid, path, text))),
        contentType: 'application/json',
      })),
    );

/** A hostile JSON body for a route whose valid body is `valid`: its text and the content type it is sent as. */
export interface BodyInput {
  body: Uint8Array;
  contentType: string | undefined;
}

const json = (text: string): BodyInput => ({ body: utf8(text), contentType: 'application/json' });

export const hostileBody = (valid: Record<string, unknown>): fc.Arbitrary<BodyInput> =>
  fc.oneof(
    { weight: 4, arbitrary: fuzzJsonValue.map((value) => json(JSON.stringify(value))) },
    { weight: 6, arbitrary: mutated(valid).map((value) => json(JSON.stringify(value) ?? '')) },
    { weight: 2, arbitrary: withRawNumber(valid).map(json) },
    { weight: 1, arbitrary: deepNesting.map(json) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('', ' ', '{', '{"a":1,}', "{'a':1}", '\u0000', 'undefined', '{"a":1}{"b":2}')
        .map(json),
    },
    {
      weight: 2,
      arbitrary: withInvalidUtf8(JSON.stringify(valid)).map((body) => ({
        body,
        contentType: 'application/json',
      })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 200 }).map((body) => ({ body, contentType: 'application/json' })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(64 * 1024 + 1, 200_000, 1_100_000)
        .map((size) => json(JSON.stringify({ ...valid, padding: 'x'.repeat(size) }))),
    },
    {
      weight: 2,
      arbitrary: wrongContentType.map((contentType) => ({ body: utf8(JSON.stringify(valid)), contentType })),
    },
  );

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON value the API would read from the body, or undefined when the HTTP edge refuses the body as it is (not
 * UTF-8, too large, not sent as JSON, not JSON): what the fuzzers use to keep the bodies that must be refused.
 */
export const readableJson = (input: BodyInput): { value: unknown; text: string } | undefined => {
  if (input.body.byteLength === 0 || input.body.byteLength > 64 * 1024) return undefined;
  let text: string;
  try {
    text = strictUtf8.decode(input.body);
  } catch {
    return undefined;
  }
  if (text.includes('\uFFFD')) return undefined;
  if (!input.contentType || !/^application\/(?:[\w.+-]+\+)?json\b/i.test(input.contentType)) return undefined;
  try {
    return { value: JSON.parse(text) as unknown, text };
  } catch {
    return undefined;
  }
};

export const headersOf = (input: BodyInput, extra: Record<string, string> = {}): Record<string, string> => ({
  ...(input.contentType === undefined ? {} : { 'content-type': input.contentType }),
  ...extra,
});
