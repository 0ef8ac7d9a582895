import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Badge, CLAIMED_BADGES, ROLES, type Role } from '@livecomments/protocol';
import {
  createRemoteJWKSet,
  type FlattenedJWSInput,
  type JWTHeaderParameters,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import { normaliseName } from '../ingest/normalise.js';
import { errors } from '../util/errors.js';

/** Who is calling, from a verified token. */
export interface Principal {
  id: string;
  name: string;
  /** The user's picture (https, at most 512 characters), from the connect proxy. */
  avatarUrl?: string;
  role: Role;
  /** When the token expires (ms since the epoch); long-lived connections check it per post. */
  expiresAt?: number;
  /** Badges the token grants (`member`, `verified`: see `claimedBadges`); absent when none. */
  badges?: readonly Badge[];
  /** When the user started following the channel (ms since the epoch), from the token's `followed_at` claim or the connect proxy. */
  followedAt?: number;
}

/** How long, and how many, verified tokens are remembered. */
const VERIFIED_MS = 60_000;
const VERIFIED_MAX = 10_000;

/** Options of the authenticator. */
export interface AuthOptions {
  jwtSecret?: string;
  jwksUrl?: string;
  /** When set, a token's `iss` must equal it. */
  issuer?: string;
  /** When set, a token's `aud` must include it. */
  audience?: string;
  /** Refuse tokens without `exp` (default true). */
  requireExp?: boolean;
  /** Issue development tokens (`POST /v1/dev/tokens`). */
  devTokens: boolean;
  /** Where the development secret is kept between restarts. */
  dataDir: string;
}

/** Verifies bearer tokens and, in development, issues them. */
export interface Authenticator {
  /** The principal of a token; throws `unauthenticated` for a missing, expired or forged one. */
  verify(token: string): Promise<Principal>;
  /** Whether `issue` works. */
  readonly canIssue: boolean;
  /** Signs a development token, with the membership and follow time given to try chat modes. */
  issue(
    name: string,
    role: Role,
    extra?: DevTokenExtras,
  ): Promise<{ token: string; user: { id: string; name: string } }>;
}

/** What a development token may claim besides its role (to try the chat modes locally). */
export interface DevTokenExtras {
  member?: boolean;
  /** When the user started following, ms since the epoch (the token carries seconds). */
  followedAt?: number;
}

const DEV_TOKEN_TTL = '7d';
/** The `iss` of development tokens: a node with a real secret or JWKS URL refuses them. */
export const DEV_ISSUER = 'livecomments-dev';

/** Algorithms of keys from a JWKS URL (asymmetric only: a public key is never an HMAC secret). */
const JWKS_ALGORITHMS = ['RS256', 'ES256'];

/**
 * Builds the authenticator: HS256 with a secret, a JWKS URL, both (a token is checked by its
 * `alg`: HS256 against the secret, RS256/ES256 against the key set by `kid`, so keys can rotate
 * from one to the other), or (neither set) a development secret of its own, never the real one.
 */
export function createAuthenticator(options: AuthOptions): Authenticator {
  const real = Boolean(options.jwtSecret || options.jwksUrl);
  const secret = options.jwtSecret
    ? new TextEncoder().encode(options.jwtSecret)
    : options.jwksUrl
      ? null
      : devSecret(options.dataDir);
  const jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : null;
  const algorithms = [...(secret ? ['HS256'] : []), ...(jwks ? JWKS_ALGORITHMS : [])];
  /** The key for a token's header: jose has already refused an `alg` outside `algorithms`. */
  function keyFor(header: JWTHeaderParameters, token: FlattenedJWSInput) {
    if (header.alg === 'HS256') return secret!;
    return jwks!(header, token);
  }
  const canIssue = options.devTokens && !real;
  const claims = {
    // Development mode accepts only its own tokens; a real issuer is checked when configured.
    ...(real ? (options.issuer ? { issuer: options.issuer } : {}) : { issuer: DEV_ISSUER }),
    ...(options.audience ? { audience: options.audience } : {}),
    ...(options.requireExp === false ? {} : { requiredClaims: ['exp'] }),
  };

  // Verified tokens, for a short while: a poster sends the same token with every post, and a
  // signature check (webcrypto, a key import each time) costs more than the rest of the post.
  const verified = new Map<string, { principal: Principal; until: number }>();

  async function verify(token: string): Promise<Principal> {
    const now = Date.now();
    const known = verified.get(token);
    if (known && known.until > now) return known.principal;
    const { principal, exp } = await verifyAfresh(token);
    if (verified.size >= VERIFIED_MAX) verified.clear();
    verified.set(token, { principal, until: Math.min(now + VERIFIED_MS, exp === undefined ? Infinity : exp * 1000) });
    return principal;
  }

  async function verifyAfresh(token: string): Promise<{ principal: Principal; exp: number | undefined }> {
    let payload: JWTPayload;
    try {
      payload = (await jwtVerify(token, keyFor, { ...claims, algorithms })).payload;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw errors.unauthenticated('the token has expired');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'exp') {
        throw errors.unauthenticated('the token has no expiry (exp)');
      }
      throw errors.unauthenticated('the token is not valid');
    }
    if (real && payload.iss === DEV_ISSUER) throw errors.unauthenticated('development tokens are not accepted here');
    const principal = toPrincipal(payload);
    if (payload.exp !== undefined) principal.expiresAt = payload.exp * 1000;
    return { principal, exp: payload.exp };
  }

  async function issue(name: string, role: Role, extra: DevTokenExtras = {}) {
    if (!canIssue) throw errors.forbidden('development tokens are turned off');
    const id = `u_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const claims: JWTPayload = { name, role };
    if (extra.member) claims.member = true;
    if (extra.followedAt !== undefined) claims.followed_at = Math.floor(extra.followedAt / 1000);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(DEV_ISSUER)
      .setSubject(id)
      .setIssuedAt()
      .setExpirationTime(DEV_TOKEN_TTL)
      .sign(secret!);
    return { token, user: { id, name } };
  }

  return { verify, issue, canIssue };
}

function toPrincipal(payload: JWTPayload): Principal {
  const { sub } = payload;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 200) {
    throw errors.unauthenticated('the token has no subject');
  }
  const rawName = payload.name;
  const name = (typeof rawName === 'string' && normaliseName(rawName)) || sub;
  const rawRole = payload.role ?? 'viewer';
  if (typeof rawRole !== 'string' || !(ROLES as readonly string[]).includes(rawRole)) {
    throw errors.unauthenticated('the token has an unknown role');
  }
  const principal: Principal = { id: sub, name, role: rawRole as Role };
  const badges = claimedBadges(payload);
  if (badges.length > 0) principal.badges = badges;
  const followedAt = followedAtOf(payload);
  if (followedAt !== undefined) principal.followedAt = followedAt;
  return principal;
}

/** Latest follow time believed: a minute of clock skew past now (a later one is not a follow yet). */
const FOLLOW_SKEW_MS = 60_000;

/**
 * When the holder started following, from the `followed_at` claim (a NumericDate: seconds since
 * the epoch), in ms; absent when the claim is missing, not a number, or in the future.
 */
export function followedAtOf(payload: JWTPayload, now = Date.now()): number | undefined {
  const raw = payload.followed_at;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) return undefined;
  const ms = Math.floor(raw * 1000);
  return ms <= now + FOLLOW_SKEW_MS ? ms : undefined;
}

/**
 * The badges a token grants its holder: `member` and `verified`, from a `badges` array claim or
 * from `member: true` / `verified: true`. Others named there (`owner`, `staff`...) are ignored:
 * the server works those out from the event and the role.
 */
export function claimedBadges(payload: JWTPayload): Badge[] {
  const named = Array.isArray(payload.badges) ? payload.badges.slice(0, 16) : [];
  return CLAIMED_BADGES.filter((badge) => payload[badge] === true || named.includes(badge));
}

/**
 * A random secret kept in the data folder, so development tokens survive restarts (the primary of
 * LC_WORKERS makes it before its workers start, so they do not race to create it).
 */
export function devSecret(dataDir: string): Uint8Array {
  const path = join(dataDir, 'dev-secret');
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return new TextEncoder().encode(readFileSync(path, 'utf8').trim());
}
