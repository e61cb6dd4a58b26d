// What the race and property tests measured: how many runs, commands and orders they drove, how often the
// payment was captured and the customer told, and the oversells and invariant violations they saw (both must be
// 0). Each file logs its figures as one JSON line when it ends.
import type { LocalSystem } from '../../local/system';

export interface RaceFigureValues {
  /** Property runs (fast-check) and rounds of the fixed scenarios. */
  runs: number;
  /** HTTP commands sent: orders, ship, cancel, returns and carrier scans. */
  commands: number;
  orders: number;
  /** Payments the provider records as captured. */
  captures: number;
  /** Capture requests the payment provider received (a repeated request captures nothing more). */
  captureRequests: number;
  /** Customer notices (email and SMS) sent for the orders of the file. */
  notices: number;
  /** Reads of a SKU that showed more sold or held than was ever stocked, or less than nothing available. */
  oversells: number;
  /** Checks of an invariant that failed (the tests assert none). */
  invariantViolations: number;
}

export class RaceFigures {
  readonly values: RaceFigureValues = {
    runs: 0,
    commands: 0,
    orders: 0,
    captures: 0,
    captureRequests: 0,
    notices: 0,
    oversells: 0,
    invariantViolations: 0,
  };

  constructor(private readonly suite: string) {}

  add(figure: keyof RaceFigureValues, count = 1): void {
    this.values[figure] += count;
  }

  /** Counts every capture request the system's sandbox payment provider receives from now on. */
  countCaptureRequests(system: LocalSystem): void {
    const sandbox = system.deps.payment('sandbox');
    const capture = sandbox.capture.bind(sandbox);
    sandbox.capture = (request) => {
      this.add('captureRequests');
      return capture(request);
    };
  }

  /** Counts a check and returns whether it held, so a test can assert on it after counting. */
  check(holds: boolean): boolean {
    if (!holds) this.values.invariantViolations += 1;
    return holds;
  }

  /**
   * Adds, for each order, the customer notices it was sent (email and SMS) and whether its payment was captured,
   * as `captured` reads it.
   */
  async tallyOrders(
    orderIds: readonly string[],
    outbox: (orderId: string) => Promise<readonly { channel: string }[]>,
    captured: (orderId: string) => Promise<boolean>,
  ): Promise<void> {
    for (const orderId of orderIds) {
      this.add('notices', (await outbox(orderId)).filter((m) => m.channel !== 'ops').length);
      if (await captured(orderId)) this.add('captures');
    }
  }

  log(): void {
    console.log(JSON.stringify({ figures: this.suite, ...this.values }));
  }
}
