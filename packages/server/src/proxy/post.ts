/**
 * The post proxy (`LC_PROXY_POST_URL`): the app allows or refuses each comment, after the node's
 * own checks and before moderation (ingest/ingest.ts). It rewrites nothing. The contract is in
 * docs/INTEGRATION.md "Proxy":
 *
 *   POST {"eventId", "user": {"id", "name", "role", "badges"?}, "text", "parentId"?}
 *   200  {"allow": true} | {"allow": false, "reason"?: "shown to the user"}
 */
import type { PostCheck, PostToCheck } from '../ingest/ingest.js';
import { errors } from '../util/errors.js';
import { ProxyCallError, ProxyCaller, type ProxyObserver, reasonOf } from './call.js';

/** Options of the post proxy (config.ts `LC_PROXY_*`). */
export interface PostProxyOptions {
  url: string;
  timeoutMs: number;
  secret?: string;
  /** On failure: accept the post as if allowed (true) or refuse it with `proxy_unavailable` (false). */
  failOpen: boolean;
  observer: ProxyObserver;
}

/** Asks the app whether a post may go on. */
export class PostProxy implements PostCheck {
  private readonly caller: ProxyCaller;

  constructor(private readonly options: PostProxyOptions) {
    this.caller = new ProxyCaller({
      url: options.url,
      timeoutMs: options.timeoutMs,
      ...(options.secret ? { secret: options.secret } : {}),
    });
  }

  async check(post: PostToCheck): Promise<void> {
    const { observer } = this.options;
    const started = performance.now();
    let verdict: { allow: true } | { refused: string };
    try {
      verdict = readVerdict(await this.caller.call(bodyOf(post)));
    } catch (error) {
      const failure = error instanceof ProxyCallError ? error.failure : 'error';
      observer.called('post', (performance.now() - started) / 1000, failure);
      observer.warn(`post_${failure}`, `the post proxy failed (${failure})`, { proxy: 'post', failure });
      if (this.options.failOpen) return;
      throw errors.proxyUnavailable('post');
    }
    observer.called('post', (performance.now() - started) / 1000, 'allow' in verdict ? 'allow' : 'deny');
    if ('refused' in verdict) throw errors.refusedByApp(verdict.refused);
  }
}

/** What the app is told of a post. */
function bodyOf({ eventId, author, text, parentId }: PostToCheck): unknown {
  const user: Record<string, unknown> = { id: author.id, name: author.name, role: author.role };
  if (author.badges && author.badges.length > 0) user.badges = author.badges;
  return parentId === undefined ? { eventId, user, text } : { eventId, user, text, parentId };
}

/** `{"allow": true}` or `{"allow": false, "reason"?}`; anything else is a failed call. */
function readVerdict(raw: unknown): { allow: true } | { refused: string } {
  const allow = (raw as { allow?: unknown } | null)?.allow;
  if (allow === true) return { allow: true };
  if (allow === false)
    return { refused: reasonOf((raw as { reason?: unknown }).reason, 'the app refused this comment') };
  throw new ProxyCallError('error');
}
