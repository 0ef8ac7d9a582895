/** A bearer token, or a function that returns the current one (called before each request). */
export type TokenSource = string | undefined | (() => string | undefined | Promise<string | undefined>);

/** A token is renewed when it has this share of its lifetime left (or 30 s, whichever is less). */
const RENEW_SHARE = 0.2;
const RENEW_MAX_MS = 30_000;

/** Resolves a token source to the current token. */
export async function resolveToken(source: TokenSource): Promise<string | undefined> {
  return typeof source === 'function' ? await source() : source;
}

/** When a JWT must be renewed (ms since the epoch), from its `exp` and `iat`; undefined if it has no `exp`. */
export function renewAt(token: string): number | undefined {
  try {
    const part = token.split('.')[1];
    if (!part) return undefined;
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { exp?: unknown; iat?: unknown };
    if (typeof claims.exp !== 'number') return undefined;
    const exp = claims.exp * 1000;
    const lifetime = typeof claims.iat === 'number' ? exp - claims.iat * 1000 : RENEW_MAX_MS / RENEW_SHARE;
    return exp - Math.min(RENEW_MAX_MS, Math.max(0, lifetime) * RENEW_SHARE);
  } catch {
    // Not a JWT we can read: the server's 401 will tell.
    return undefined;
  }
}

/**
 * Holds the token: a fixed one or a source read on each use, or, with `getToken`, the last token
 * it gave, renewed before it expires and after the server refused it (one call at a time).
 */
export class TokenKeeper {
  #source: TokenSource;
  readonly #getToken: (() => string | undefined | Promise<string | undefined>) | undefined;
  #cached: string | undefined;
  #renewAt: number | undefined;
  #renewing: Promise<string | undefined> | undefined;

  constructor(source: TokenSource, getToken?: () => string | undefined | Promise<string | undefined>) {
    this.#source = source;
    this.#getToken = getToken;
  }

  /** Whether a new token can be asked for (a `getToken` was given). */
  get renewable(): boolean {
    return this.#getToken !== undefined;
  }

  /** When the current token should be renewed (ms since the epoch), if known. */
  get renewAt(): number | undefined {
    return this.#renewAt;
  }

  /** Replaces the token (with `getToken`: until it nears its expiry). */
  set(token: TokenSource): void {
    this.#source = token;
    if (this.#getToken && typeof token === 'string') this.#keep(token);
  }

  /** The current token, renewed first if it expires soon. */
  async current(): Promise<string | undefined> {
    if (!this.#getToken) return resolveToken(this.#source);
    const fresh = this.#cached !== undefined && (this.#renewAt === undefined || Date.now() < this.#renewAt);
    return fresh ? this.#cached : this.renew();
  }

  /** Asks `getToken` for a new token (callers at the same time share one call). */
  renew(): Promise<string | undefined> {
    const getToken = this.#getToken;
    if (!getToken) return resolveToken(this.#source);
    this.#renewing ??= (async () => {
      try {
        const token = await getToken();
        this.#keep(token);
        return token;
      } finally {
        this.#renewing = undefined;
      }
    })();
    return this.#renewing;
  }

  #keep(token: string | undefined): void {
    this.#cached = token;
    this.#renewAt = token ? renewAt(token) : undefined;
  }
}
