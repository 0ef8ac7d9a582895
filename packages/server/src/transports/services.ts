// What the transports need from the node: narrow interfaces, so transports/ never imports the
// composition root (node.ts builds a Services that satisfies them).
import type { IncomingMessage } from 'node:http';
import type { Authenticator } from '../auth/auth.js';
import type { Config } from '../config/config.js';
import type { Events } from '../events/events.js';
import type { EdgeWarnings } from '../http/edge-log.js';
import type { Hub } from '../hub/hub.js';
import type { Ingest } from '../ingest/ingest.js';
import type { ConnectionLimiter } from './connections.js';

/** What admission (transports/admission.ts) reads. */
export interface AdmissionServices {
  auth: Authenticator;
  events: Pick<Events, 'get'>;
  connections: ConnectionLimiter;
  /** Refuses new work once shutdown has begun. */
  guard: { readonly closing: boolean; assertOpen(): void };
  /** The client's address (behind the trusted proxies): the one every route and limit uses. */
  clientIp(req: IncomingMessage): string;
}

/** What the three transports use: admission's needs, the hub, and for WebSocket posting. */
export interface TransportServices extends AdmissionServices {
  hub: Hub;
  ingest: Pick<Ingest, 'post'>;
  config: Pick<Config, 'sseHeartbeatMs' | 'wsPingMs'>;
  /** Refused connections, logged at most once a minute per address. */
  warnings: EdgeWarnings;
}
