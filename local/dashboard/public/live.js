// Live updates: the local server pushes every order change as a server-sent event (GET /_local/events). The
// browser reconnects by itself after the server restarts; each (re)connection is followed by a full reload, since
// changes made while the stream was down were not pushed.

export const connectLive = ({ onChange, onConnected, onState }) => {
  const source = new EventSource('/_local/events');
  onState('connecting');
  source.addEventListener('ready', () => {
    onState('live');
    onConnected();
  });
  source.addEventListener('order', (event) => {
    try {
      onChange(JSON.parse(event.data));
    } catch (error) {
      console.warn('order event not understood', error);
    }
  });
  source.addEventListener('error', () =>
    onState(source.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting'),
  );
  return () => source.close();
};
