// The local engine's timers of more than 24.8 days (local/polyfills.ts): Node alone would fire them at once.
import { describe, expect, it } from 'vitest';
import '../../../local/polyfills';

const DAYS_30_MS = 30 * 86_400_000;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('long timers', () => {
  it('does not fire a 30-day timer at once', async () => {
    // Prepare
    let fired = false;

    // Act
    const timer = setTimeout(() => {
      fired = true;
    }, DAYS_30_MS);
    await pause(50);
    clearTimeout(timer);

    // Assess
    expect(fired).toBe(false);
  });

  it('still fires a short timer on time', async () => {
    // Prepare
    let fired = false;

    // Act
    setTimeout(() => {
      fired = true;
    }, 5);
    await pause(50);

    // Assess
    expect(fired).toBe(true);
  });
});
