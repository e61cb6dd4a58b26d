// The retry policies of both workflows, stated once. Every `Retry` block in statemachines/*.asl.json is one of these,
// verbatim, and `retryPolicyByState` says which state uses which; test/workflow/retry-policies.test.ts holds the
// ASL files to both. docs/workflow.md explains them in figures.

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds: number;
  BackoffRate: number;
  MaxDelaySeconds: number;
  MaxAttempts: number;
  JitterStrategy: 'FULL' | 'NONE';
}

/** Errors Lambda itself reports when an invocation did not run or did not answer: always worth another try. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
] as const;

/**
 * DynamoDB's throttling, as the SDK reports it when its own retries (3 attempts) met it every time: the table is
 * busy, and a later attempt gets through.
 */
export const STORE_THROTTLING_ERRORS = [
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
] as const;

/**
 * A function that ran past its timeout (a dependency that hung): `TimeoutError` as the steps' middy handler raises
 * it just before Lambda's deadline, `Sandbox.Timedout` as Lambda reports a function it stopped, `Lambda.Unknown` as
 * Step Functions names an unhandled Lambda failure. Every step is idempotent, so it runs again.
 */
export const FUNCTION_TIMEOUT_ERRORS = ['TimeoutError', 'Sandbox.Timedout', 'Lambda.Unknown'] as const;

/**
 * Errors a step throws for an outcome of the order, each with a branch of its own (functions/domain/errors.ts). A
 * retry would repeat the same answer, or worse, turn a decision into a different one; none is ever retried.
 */
export const BUSINESS_ERRORS = [
  'OrderInvalidError',
  'OutOfStockError',
  'PaymentDeclinedError',
  'FraudSuspectedError',
  'AddressUndeliverableError',
  'OrderCancelledError',
  'AuthorizationExpiredError',
  'CaptureFailedError',
] as const;
export type BusinessError = (typeof BUSINESS_ERRORS)[number];

/** Error names that match every error (`States.ALL`) or every error but a timeout (`States.TaskFailed`). */
export const CATCH_ALL_ERRORS = ['States.ALL', 'States.TaskFailed'] as const;

// One timing for both policies: 5 s, doubling, capped at 2 min, 10 retries, full jitter. Nominal delays
// 5 + 10 + 20 + 40 + 80 + 5 × 120 = 755 s; full jitter draws each delay between 0 and its nominal value, so an
// execution waits 377 s (6.3 min) on average before it gives up, and the spread of executions that retry at once
// keeps a recovering provider from being hit by all of them in the same second.
const timing = {
  IntervalSeconds: 5,
  BackoffRate: 2,
  MaxDelaySeconds: 120,
  MaxAttempts: 10,
  JitterStrategy: 'FULL',
} as const;

export const retryPolicies = {
  /**
   * Forward steps, the four task-token waits, the capture and the redrive: what a retry can fix (a provider or
   * DynamoDB that is down, slow or throttling, a function that timed out, a lost race on the order item, Lambda's
   * own failures). Any other error goes to the state's
   * Catch at once.
   */
  transient: {
    ErrorEquals: [
      'TransientError',
      'ConcurrentUpdateError',
      ...STORE_THROTTLING_ERRORS,
      ...FUNCTION_TIMEOUT_ERRORS,
      ...LAMBDA_SERVICE_ERRORS,
    ],
    ...timing,
  },
  /**
   * Compensations and final steps, which throw no business error and are idempotent (keyed provider calls,
   * conditional writes): every error is retried, because giving up leaves money held or stock reserved.
   */
  compensation: {
    ErrorEquals: ['States.ALL'],
    ...timing,
  },
} as const satisfies Record<string, Retrier>;

export type RetryPolicyName = keyof typeof retryPolicies;

/** Which policy each Task state uses, per ASL file. A state without an entry has no Retry. */
export const retryPolicyByState: Readonly<Record<string, Readonly<Record<string, RetryPolicyName>>>> = {
  'order-fulfillment.asl.json': {
    ValidateOrder: 'transient',
    AssessRisk: 'transient',
    ReserveStock: 'transient',
    AuthorizePayment: 'transient',
    AwaitReview: 'transient',
    ConfirmOrder: 'transient',
    BuyLabel: 'transient',
    WaitForShipment: 'transient',
    ReauthorizePayment: 'transient',
    CapturePayment: 'transient',
    WaitForDelivery: 'transient',
    CheckDeliveryDeadline: 'transient',
    VoidLabel: 'compensation',
    VoidAuthorization: 'compensation',
    ReleaseStock: 'compensation',
    CloseOrder: 'compensation',
    OrderFailed: 'transient',
  },
  'order-return.asl.json': {
    WaitForReturnParcel: 'transient',
    CheckReturnDeadline: 'compensation',
  },
};

/** The nominal delays between attempts, in seconds (before jitter). */
export const retryDelays = (policy: Retrier): number[] =>
  Array.from({ length: policy.MaxAttempts }, (_, attempt) =>
    Math.min(policy.IntervalSeconds * policy.BackoffRate ** attempt, policy.MaxDelaySeconds),
  );

/** How long an execution keeps retrying before it gives up: at most, and on average with its jitter. */
export const retryBudgetSeconds = (policy: Retrier): { max: number; mean: number } => {
  const max = retryDelays(policy).reduce((sum, delay) => sum + delay, 0);
  return { max, mean: policy.JitterStrategy === 'FULL' ? max / 2 : max };
};
