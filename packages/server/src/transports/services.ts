// What the transports use of the node, declared here so they depend on these shapes, not on the
// composition root that wires them (node.ts).
import type { IncomingMessage } from 'node:http';
import type { Authenticator } from '../auth/auth.js';
import type { CallerProxy } from '../auth/request.js';
import type { Config } from '../config/config.js';
import type { RateLimiter } from '../engines/rate-limiter.js';
import type { Events } from '../events/events.js';
import type { Hub } from '../hub/hub.js';
import type { BanCache } from '../ingest/bans.js';
import type { Ingest } from '../ingest/ingest.js';
import type { InteractionServices } from '../interactions/index.js';
import type { OriginPolicy } from '../util/origins.js';
import type { SecurityEvents } from '../util/security-log.js';
import type { ShutdownGuard } from '../util/shutdown-guard.js';
import type { BanWatch } from './ban-watch.js';
import type { ConnectionLimiter } from './connections.js';

/** What admission (transports/admission.ts) reads. */
export interface AdmissionServices {
  auth: Pick<Authenticator, 'verify'>;
  /** The app's connect proxy, asked who a request without a token is; null when not configured. */
  proxy: CallerProxy | null;
  events: Pick<Events, 'get'>;
  /** Bans (from memory, read again when a second old): a banned user follows no event on a multi-event connection. */
  bans: Pick<BanCache, 'until'>;
  connections: ConnectionLimiter;
  guard: Pick<ShutdownGuard, 'closing' | 'assertOpen'>;
  /** Which browser origins may connect: the node's own, the node's list and the event's. */
  origins: Pick<OriginPolicy, 'admits'>;
  /** The client's address (behind the trusted proxies): the one every route and limit uses. */
  clientIp(req: IncomingMessage): string;
}

/** The services WebSocket, SSE and long polling are built on: admission's, the hub, posting. */
export interface TransportServices extends AdmissionServices {
  config: Pick<Config, 'sseHeartbeatMs' | 'wsPingMs' | 'wsDeflate' | 'wsDeflateMinBytes'>;
  /** Comments posted over a WebSocket. */
  ingest: Pick<Ingest, 'post'>;
  /** Reactions sent over a WebSocket. */
  interactions: Pick<InteractionServices, 'react'>;
  hub: Pick<Hub, 'join' | 'lastSeq' | 'noteViewer' | 'registerFormat'>;
  /** Subscribe churn per user across nodes (many events on one connection). */
  limiter: RateLimiter;
  /** Sockets and subscriptions to end when their user is banned from the event. */
  banWatch: BanWatch;
  /** Refused handshakes, rate limits, oversized frames: the security log channel. */
  security: SecurityEvents;
}
