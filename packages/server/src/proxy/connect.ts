/**
 * The connect proxy (`LC_PROXY_CONNECT_URL`): for a request or real-time connection without a
 * token (or every one, with `LC_PROXY_CONNECT_ALWAYS`), the app is asked who the user is, from
 * the headers and cookies the operator allows, and may name a user, nobody, or refuse. Answers
 * are kept per credentials and event (`AnswerCache`), so reconnects do not reach the app each
 * time. The contract is in docs/INTEGRATION.md "Proxy":
 *
 *   POST {"eventId", "transport", "ip", "headers": {...}, "cookies": {...}, "token"?}
 *   200  {"allow": true, "user": {"id", "name", ...} | null, "cacheMs"?}
 *        {"allow": false, "reason"?, "cacheMs"?}
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/auth.js';
import type { CallContext, CallerProxy } from '../auth/request.js';
import { errors } from '../util/errors.js';
import { AnswerCache, type Fresh } from './cache.js';
import { ProxyCallError, ProxyCaller, type ProxyObserver, reasonOf } from './call.js';
import { MalformedAnswer, readUser } from './user.js';

/** Options of the connect proxy (config.ts `LC_PROXY_*`). */
export interface ConnectProxyOptions {
  url: string;
  timeoutMs: number;
  secret?: string;
  /** The longest an answer is kept; an answer's `cacheMs` may shorten it; 0: answers are not kept. */
  cacheMs: number;
  cacheSize: number;
  /** Request headers sent (lower case). */
  headers: readonly string[];
  /** Cookies sent, by name. */
  cookies: readonly string[];
  /** Ask for requests with a token too (the token is sent along). */
  always: boolean;
  /** Privileged roles the app may grant; any other is read as `viewer`. */
  roles: readonly string[];
  /** On failure: go on without a user (true) or refuse with `proxy_unavailable` (false). */
  failOpen: boolean;
  observer: ProxyObserver;
  /**
   * Whether an event exists: a request naming an unknown event is answered `not_found` without
   * asking the app (each made-up id would miss the cache and cost a call).
   */
  eventExists?: (eventId: string) => Promise<boolean>;
  /** The clock, for tests. */
  now?: () => number;
}

/** The body of a connect request. */
interface ConnectRequest {
  eventId: string | null;
  transport: CallContext['transport'];
  ip: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  token?: string;
}

/** What the app said: a user (or nobody), or a refusal with its reason. */
type ConnectAnswer = { user: Principal | null } | { refused: string };

/** The most cookies looked at in one Cookie header (it is bounded by node's header size anyway). */
const MAX_COOKIES = 200;
/**
 * Calls to the app one client address may cause, per second and in a burst: made-up credentials
 * each miss the cache, and would otherwise let one address fill the calls in flight for everyone.
 * Answers kept or shared cost nothing of it.
 */
export const MISSES_PER_SECOND = 10;
export const MISS_BURST = 50;
/** Addresses remembered at most (past this the budgets start afresh). */
const MAX_ADDRESSES = 10_000;

/** Asks the app who a request's user is; answers kept per credentials and event. */
export class ConnectProxy implements CallerProxy {
  readonly always: boolean;
  private readonly caller: ProxyCaller;
  private readonly cache: AnswerCache<ConnectAnswer>;
  private readonly now: () => number;
  /** Calls each address may still cause: tokens and when they were counted. */
  private readonly budgets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly options: ConnectProxyOptions) {
    this.always = options.always;
    this.now = options.now ?? Date.now;
    this.caller = new ProxyCaller({
      url: options.url,
      timeoutMs: options.timeoutMs,
      ...(options.secret ? { secret: options.secret } : {}),
    });
    this.cache = new AnswerCache(options.cacheSize, this.now);
  }

  async identify(req: IncomingMessage, token: string | null, context: CallContext): Promise<Principal | null> {
    const { eventId } = context;
    if (eventId !== null && this.options.eventExists && !(await this.options.eventExists(eventId))) {
      throw errors.notFound('event');
    }
    const request = this.requestOf(req, token, context);
    let answer: ConnectAnswer;
    try {
      answer = await this.cache.get(
        keyOf(request),
        () => this.askFor(context.ip, request),
        (result) => this.options.observer.looked(result),
      );
    } catch (error) {
      if (!(error instanceof ProxyCallError)) throw error;
      if (this.options.failOpen) return null;
      throw errors.proxyUnavailable('connect');
    }
    if ('refused' in answer) throw errors.refusedByApp(answer.refused);
    return answer.user;
  }

  /** The request body: the allowed headers and cookies as sent, the token only when the app takes every request. */
  private requestOf(req: IncomingMessage, token: string | null, context: CallContext): ConnectRequest {
    // No prototype: a configured name such as `__proto__` is a plain key.
    const headers: Record<string, string> = Object.create(null);
    for (const name of this.options.headers) {
      const value = req.headers[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const request: ConnectRequest = {
      eventId: context.eventId,
      transport: context.transport,
      ip: context.ip,
      headers,
      cookies: cookiesOf(req.headers.cookie, this.options.cookies),
    };
    if (this.always && token) request.token = token;
    return request;
  }

  /** A call on behalf of `ip`, if its budget allows; else `rate_limited`. */
  private askFor(ip: string, request: ConnectRequest): Promise<Fresh<ConnectAnswer>> {
    const now = this.now();
    const budget = this.budgets.get(ip) ?? { tokens: MISS_BURST, at: now };
    budget.tokens = Math.min(MISS_BURST, budget.tokens + ((now - budget.at) / 1000) * MISSES_PER_SECOND);
    budget.at = now;
    if (budget.tokens < 1) {
      throw errors.rateLimited(
        Math.ceil(((1 - budget.tokens) / MISSES_PER_SECOND) * 1000),
        'too many sign-ins from your address; wait a moment',
      );
    }
    budget.tokens--;
    if (!this.budgets.has(ip) && this.budgets.size >= MAX_ADDRESSES) this.budgets.clear();
    this.budgets.set(ip, budget);
    return this.ask(request);
  }

  /** One call to the app, timed and counted; the answer with how long it may be kept. */
  private async ask(request: ConnectRequest): Promise<Fresh<ConnectAnswer>> {
    const { observer } = this.options;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let raw: unknown;
    try {
      raw = await this.caller.call(request);
    } catch (error) {
      const failure = error instanceof ProxyCallError ? error.failure : 'error';
      observer.called('connect', seconds(), failure);
      observer.warn(`connect_${failure}`, `the connect proxy failed (${failure})`, { proxy: 'connect', failure });
      throw error instanceof ProxyCallError ? error : new ProxyCallError('error');
    }
    try {
      const fresh = this.read(raw);
      const outcome = 'refused' in fresh.value ? 'deny' : fresh.value.user ? 'allow' : 'anonymous';
      observer.called('connect', seconds(), outcome);
      return fresh;
    } catch (error) {
      observer.called('connect', seconds(), 'error');
      const what = error instanceof MalformedAnswer ? error.message : 'answer';
      observer.warn('connect_malformed', 'the connect proxy answered out of contract', { proxy: 'connect', what });
      throw new ProxyCallError('error');
    }
  }

  /** An answer as documented, or `MalformedAnswer`. */
  private read(raw: unknown): Fresh<ConnectAnswer> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new MalformedAnswer('not an object');
    const answer = raw as Record<string, unknown>;
    let ttlMs = this.options.cacheMs;
    if (answer.cacheMs !== undefined) {
      if (!Number.isSafeInteger(answer.cacheMs) || (answer.cacheMs as number) < 0) throw new MalformedAnswer('cacheMs');
      ttlMs = Math.min(ttlMs, answer.cacheMs as number);
    }
    if (answer.allow === false) {
      return { value: { refused: reasonOf(answer.reason, 'the app refused this connection') }, ttlMs };
    }
    if (answer.allow !== true) throw new MalformedAnswer('allow');
    if (answer.user === undefined || answer.user === null) return { value: { user: null }, ttlMs };
    const now = this.now();
    const { principal, refusedRole } = readUser(answer.user, this.options.roles, now);
    if (refusedRole) {
      this.options.observer.warn(
        'connect_role',
        'the connect proxy named a role LC_PROXY_ROLES does not allow; read as viewer',
        {
          proxy: 'connect',
          role: refusedRole,
        },
      );
    }
    const expiresAt = answer.expiresAt;
    if (expiresAt !== undefined) {
      if (!Number.isSafeInteger(expiresAt)) throw new MalformedAnswer('expiresAt');
      principal.expiresAt = expiresAt as number;
      ttlMs = Math.max(0, Math.min(ttlMs, (expiresAt as number) - now));
    }
    return { value: { user: principal }, ttlMs };
  }
}

/** The allowed cookies of a Cookie header, by name (the first of a name wins), values as sent. */
export function cookiesOf(header: string | undefined, names: readonly string[]): Record<string, string> {
  const found: Record<string, string> = Object.create(null);
  if (!header || names.length === 0) return found;
  let looked = 0;
  for (const pair of header.split(';')) {
    if (++looked > MAX_COOKIES) break;
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const name = pair.slice(0, at).trim();
    if (names.includes(name) && !Object.hasOwn(found, name)) found[name] = pair.slice(at + 1).trim();
  }
  return found;
}

/**
 * The cache key of a request: a hash of what identifies the user (headers, cookies, token) and
 * the event; the transport and address are not in it (answers must not depend on them), and no
 * credential is kept as such.
 */
function keyOf(request: ConnectRequest): string {
  const identity = JSON.stringify([request.eventId, request.headers, request.cookies, request.token ?? null]);
  return createHash('sha256').update(identity).digest('base64url');
}
