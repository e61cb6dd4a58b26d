// Coalesced refreshes: many order changes in a burst cause one reload, never two of the same view at once (so an
// older answer cannot overwrite a newer one), and a change during a reload causes one more after it.

export const coalesced = (run, delayMs) => {
  let timer = null;
  let running = false;
  let again = false;
  const start = async () => {
    timer = null;
    running = true;
    try {
      await run();
    } catch (error) {
      console.warn('refresh failed', error);
    } finally {
      running = false;
      if (again) {
        again = false;
        request();
      }
    }
  };
  const request = () => {
    if (running) again = true;
    else if (timer === null) timer = setTimeout(start, delayMs);
  };
  return request;
};
