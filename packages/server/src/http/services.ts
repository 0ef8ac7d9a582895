// What the HTTP application uses of the node, declared here so that the routes depend on these
// shapes, not on the composition root that wires them (node.ts).
import type { FastifyBaseLogger } from 'fastify';
import type { AnalyticsReports } from '../analytics/report.js';
import type { UserErasure } from '../archive/erasure.js';
import type { ChatExport } from '../archive/export.js';
import type { ChatSearch } from '../archive/search.js';
import type { Authenticator } from '../auth/auth.js';
import type { Config } from '../config/config.js';
import type { Bus } from '../engines/bus.js';
import type { Store } from '../engines/store.js';
import type { Events } from '../events/events.js';
import type { Replay } from '../events/replay.js';
import type { Replies } from '../events/replies.js';
import type { EventRoles } from '../events/roles.js';
import type { Emotes } from '../interactions/emotes.js';
import type { InteractionServices } from '../interactions/index.js';
import type { Pins } from '../interactions/pins.js';
import type { Polls } from '../interactions/polls.js';
import type { ModerationActions } from '../moderation/actions.js';
import type { Reports } from '../moderation/reports.js';
import type { TransportServices } from '../transports/services.js';
import type { OriginPolicy } from '../util/origins.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import type { Metrics } from './metrics.js';

/** The services the routes, the pages and the transports mounted on the application use. */
export interface HttpServices extends TransportServices {
  config: Config;
  /** A pino logger (fastify's logger type is pino's). */
  logger: FastifyBaseLogger;
  auth: Authenticator;
  events: Events;
  actions: ModerationActions;
  /** Event moderators, badges and protected names. */
  roles: EventRoles;
  /** Viewers' reports of comments. */
  reports: Reports;
  /** Comment threads. */
  replies: Replies;
  /** Comments in media-time order, for replays. */
  replay: Replay;
  /** Pinned messages. */
  pins: Pins;
  /** Polls and votes. */
  polls: Polls;
  /** Custom emotes and their pictures. */
  emotes: Emotes;
  /** Reactions, likes, Top chat. */
  interactions: InteractionServices;
  /** Search within an event's chat. */
  search: Pick<ChatSearch, 'search'>;
  /** Exports of an event's chat. */
  exports: Pick<ChatExport, 'open'>;
  /** Erasure of a user's comments on request. */
  erasure: Pick<UserErasure, 'erase' | 'list'>;
  /** The owner's analytics of an event. */
  analytics: Pick<AnalyticsReports, 'read'>;
  /** For /ready. */
  store: Pick<Store, 'ping'>;
  /** For /ready. */
  bus: Pick<Bus, 'ping'>;
  metrics: Metrics;
  /** The webhook dead-letter view. */
  webhooks: Pick<WebhookDispatcher, 'deadLetters' | 'requeue'>;
  /** Which browser origins may call, stream and frame (CORS, the embed page, admission). */
  origins: OriginPolicy;
}
