import type { ConnectionState, TransportName } from '@livecomments/client';

/** The event id in `/e/:eventId` or `/e/:eventId/mod`. */
export function eventIdFromPath(): string {
  const segment = location.pathname.split('/')[2] ?? '';
  return decodeURIComponent(segment);
}

/** `?transport=ws|sse|poll` pins a transport (for trying one out); default auto. */
export function transportFromQuery(): 'auto' | TransportName {
  const value = new URLSearchParams(location.search).get('transport');
  return value === 'ws' || value === 'sse' || value === 'poll' ? value : 'auto';
}

const TRANSPORT_LABEL: Record<TransportName, string> = { ws: 'WebSocket', sse: 'SSE', poll: 'Long polling' };
const STATE_LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/** Shows the connection state (and the transport while live) in a `.conn` element. */
export function showConnection(el: HTMLElement, state: ConnectionState, transport: TransportName | null): void {
  el.dataset.state = state;
  el.dataset.transport = transport ?? '';
  el.textContent = transport ? `${STATE_LABEL[state]} · ${TRANSPORT_LABEL[transport]}` : STATE_LABEL[state];
  el.title = transport ? `Connected over ${TRANSPORT_LABEL[transport]}` : STATE_LABEL[state];
}
