/**
 * One request to the app's backend (the connect and post proxies, docs/INTEGRATION.md "Proxy"):
 * a JSON POST under a strict time budget, its answer read up to a bounded size, the calls in
 * flight capped (beyond the cap a call fails at once as `overload` rather than queue). Node's
 * fetch (undici) keeps connections to the app alive between calls. Nothing here logs: what a
 * request carries (cookies, tokens) never reaches a log line; failures are reported by kind only.
 */
import { normaliseTitle } from '../ingest/normalise.js';
import { BodyTooLarge, readCapped } from '../util/capped-body.js';
import { SIGNATURE_HEADER, signature } from '../webhooks/sign.js';

/** Which proxy a call is for (a metric label). */
export type ProxyKind = 'connect' | 'post';

/** Why a call gave no usable answer: no answer in time, a failed or malformed one, too many in flight. */
export type ProxyFailure = 'timeout' | 'error' | 'overload';

/** How a call ended (a metric label): the app's verdict, or the failure. */
export type ProxyOutcome = 'allow' | 'anonymous' | 'deny' | ProxyFailure;

/** Where the proxies report their work (the node's /metrics and its rate-limited log). */
export interface ProxyObserver {
  /** A call ended: its time (also for failures, the budget included) and outcome. */
  called(kind: ProxyKind, seconds: number, outcome: ProxyOutcome): void;
  /** Connect look-ups: answered from the cache, joined to a call in flight, or sent. */
  looked(result: 'hit' | 'shared' | 'miss'): void;
  /** Something an operator should know of (a failure, a role refused); never carries request data. */
  warn(kind: string, message: string, details?: Record<string, unknown>): void;
}

/** An observer that reports nothing (tests, embedders). */
export const SILENT_OBSERVER: ProxyObserver = { called() {}, looked() {}, warn() {} };

/** Options of `ProxyCaller`. */
export interface CallerOptions {
  url: string;
  /** Budget of one call, from sending to the parsed answer. */
  timeoutMs: number;
  /** Signs each request (`X-Livecomments-Signature`, as webhooks) when set. */
  secret?: string;
  /** Calls in flight at most (default 256). */
  maxInFlight?: number;
}

/** Largest answer read (the contract's answers are a few hundred bytes). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** A call that gave no usable answer, and why. */
export class ProxyCallError extends Error {
  override name = 'ProxyCallError';
  constructor(readonly failure: ProxyFailure) {
    super(`proxy call failed: ${failure}`);
  }
}

/** Sends JSON requests to one URL of the app and parses the answers. */
export class ProxyCaller {
  private inFlight = 0;
  private readonly maxInFlight: number;

  constructor(private readonly options: CallerOptions) {
    this.maxInFlight = options.maxInFlight ?? 256;
  }

  /** The parsed JSON answer of a 2xx; throws `ProxyCallError` for anything else. */
  async call(body: unknown): Promise<unknown> {
    if (this.inFlight >= this.maxInFlight) throw new ProxyCallError('overload');
    this.inFlight++;
    try {
      return await this.send(JSON.stringify(body));
    } catch (error) {
      if (error instanceof ProxyCallError) throw error;
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new ProxyCallError(timedOut ? 'timeout' : 'error');
    } finally {
      this.inFlight--;
    }
  }

  private async send(text: string): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.secret) headers[SIGNATURE_HEADER] = signature(this.options.secret, text, Date.now());
    const response = await fetch(this.options.url, {
      method: 'POST',
      headers,
      body: text,
      // Never follow a redirect: the request carries the user's credentials.
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new ProxyCallError('error');
    }
    // Counted as it arrives: a chunked answer says no length up front.
    let answer: string;
    try {
      answer = await readCapped(response, MAX_ANSWER_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) throw new ProxyCallError('error');
      throw error;
    }
    try {
      return JSON.parse(answer);
    } catch {
      throw new ProxyCallError('error');
    }
  }
}

/** The app's reason for a refusal, as shown to the user: one line of at most 200 characters, or a default. */
export function reasonOf(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  return normaliseTitle(value.slice(0, 2000)) || fallback;
}
