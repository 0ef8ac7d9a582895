// Security events on a log channel of their own, so an operator can route them apart from the
// request logs (to a SIEM, an alert): every line has `channel: "security"` and an `event` naming
// what happened. Refusals (a refused handshake, an invalid token, a rate limit or connection cap
// hit, an oversized frame...) are logged at warn, at most one line per event, transport and
// address (or user) in each interval, the next one carrying `suppressed`; actions applied (a ban, an erasure)
// at info, each one. Over all, at most `perSecond` lines a second (LC_SECURITY_LOG_PER_SECOND,
// 0: none), the next line saying how many were `skipped`: an attack does not flood the log.
// A line holds named fields only, never a URL, header, body or token; text fields are cut short
// and anything shaped like a JWT in them is masked.
import { AppError } from './errors.js';
import { LogLimit, Sampler } from './log-limit.js';

/** What a security line reports. */
export type SecurityEvent =
  /** A WebSocket upgrade refused before any check of its caller (a malformed handshake). */
  | 'bad_handshake'
  /** An address over LC_MAX_CONNECTIONS_PER_IP. */
  | 'connection_cap'
  /** A request or connection whose token did not verify (or has expired). */
  | 'invalid_token'
  /** Refused for its origin, its role or by the app's connect proxy. */
  | 'forbidden'
  /** A banned user's request or connection, refused. */
  | 'banned'
  /** A rate limit hit: posts, reactions, subscriptions, WebSocket frames. */
  | 'rate_limited'
  /** An oversized body, header block, path or WebSocket frame. */
  | 'too_large'
  /** A WebSocket closed for sending refused frames again and again. */
  | 'flood'
  | 'ban_applied'
  | 'ban_lifted'
  | 'user_erased';

/** The fields a security line may hold (nothing else reaches it). */
export interface SecurityFields {
  /** The client's address. */
  address?: string;
  /** The caller's user id, when one was verified. */
  userId?: string;
  eventId?: string;
  transport?: 'http' | 'ws' | 'sse' | 'poll';
  /** A route's pattern or a path without its query string. */
  route?: string;
  /** The catalogue's error code answered. */
  code?: string;
  /** What was refused or done, in the server's words. */
  reason?: string;
  /** The user an action applied to (a ban, an erasure). */
  target?: string;
  until?: number | null;
  max?: number;
}

/** What the rest of the server uses to report security events. */
export interface SecurityEvents {
  /** A refusal: at warn, at most one line per event, transport and address (or user) per interval. */
  refused(event: SecurityEvent, fields: SecurityFields, message: string): void;
  /** An action applied: at info. */
  applied(event: SecurityEvent, fields: SecurityFields, message: string): void;
}

/** The part of a pino logger the security log writes to. */
export interface ChannelLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export interface SecurityLogOptions {
  /** Lines a second at most, over all events; 0 turns the channel off. */
  perSecond: number;
  /** At most one refusal line per event and address in this many milliseconds (default 10 s). */
  intervalMs?: number;
  now?: () => number;
}

const TEXT_MAX = 200;
// Three base64url runs joined by dots: the shape of a JWT. The text is cut to TEXT_MAX first, and
// the runs are separated by a character they cannot hold, so matching is linear.
const JWT_SHAPE = /[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;

/** The security channel: `logger` is the node's logger; lines get `channel: "security"`. */
export class SecurityLog implements SecurityEvents {
  private readonly sampler: Sampler;
  private readonly limit: LogLimit;

  constructor(
    private readonly logger: ChannelLogger,
    private readonly options: SecurityLogOptions,
  ) {
    this.sampler = new Sampler(options.perSecond, options.now);
    const write = (fields: Record<string, unknown>, message: string) => this.write('warn', fields, message);
    this.limit = new LogLimit(
      { warn: write, error: write },
      { intervalMs: options.intervalMs ?? 10_000, maxKeys: 10_000, ...(options.now ? { now: options.now } : {}) },
    );
  }

  refused(event: SecurityEvent, fields: SecurityFields, message: string): void {
    if (this.options.perSecond === 0) return;
    const who = fields.address ?? fields.userId ?? '';
    this.limit.log(`${event} ${fields.transport ?? ''} ${who}`, lineOf(event, fields), message);
  }

  applied(event: SecurityEvent, fields: SecurityFields, message: string): void {
    if (this.options.perSecond === 0) return;
    this.write('info', lineOf(event, fields), message);
  }

  private write(level: 'warn' | 'info', fields: Record<string, unknown>, message: string): void {
    const taken = this.sampler.take();
    if (!taken.ok) return;
    this.logger[level](taken.skipped > 0 ? { ...fields, skipped: taken.skipped } : fields, message);
  }
}

function lineOf(event: SecurityEvent, fields: SecurityFields): Record<string, unknown> {
  const line: Record<string, unknown> = { channel: 'security', event };
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    line[key] = typeof value === 'string' ? masked(value) : value;
  }
  return line;
}

function masked(text: string): string {
  return text.slice(0, TEXT_MAX).replace(JWT_SHAPE, '[token]');
}

/** The security event an error answered to a client stands for, or null for an ordinary one. */
export function securityEventOf(error: AppError, tokenGiven: boolean): SecurityEvent | null {
  if (error.securityLogged) return null;
  switch (error.code) {
    // Without a token, `unauthenticated` is a sign-in prompt; with one, the token was refused.
    case 'unauthenticated':
      return tokenGiven ? 'invalid_token' : null;
    case 'forbidden':
      return 'forbidden';
    case 'banned':
      return 'banned';
    case 'rate_limited':
      return 'rate_limited';
    case 'too_large':
      return 'too_large';
    default:
      return null;
  }
}

/** Logs `error` as a refusal when it is a security event (see securityEventOf). */
export function logRefusal(
  security: SecurityEvents,
  error: unknown,
  fields: SecurityFields & { tokenGiven: boolean },
): void {
  if (!(error instanceof AppError)) return;
  const { tokenGiven, ...rest } = fields;
  const event = securityEventOf(error, tokenGiven);
  if (!event) return;
  // The server's own words, never the app's: a connect proxy's refusal carries the app's text
  // for its user (`details.reason`), which may name them.
  const reason = error.details.reason === undefined ? error.message : "refused by the app's connect or post proxy";
  security.refused(event, { ...rest, code: error.code, reason }, 'refused');
}
