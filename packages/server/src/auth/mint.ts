import type { Role } from '@livecomments/protocol';
import { SignJWT } from 'jose';

/** What a minted token says. */
export interface MintOptions {
  /** The user id (`sub`). */
  sub: string;
  name?: string;
  role?: Role;
  /** Lifetime, as jose reads it ('1h', '7d') or in seconds. */
  ttl?: string | number;
  issuer?: string;
  audience?: string;
  /** Grants the `member` badge (members-only mode). */
  member?: boolean;
  /** When the user started following, ms since the epoch (the `followed_at` claim, in seconds). */
  followedAt?: number;
}

/**
 * Signs an HS256 token with the real secret (`LC_JWT_SECRET`): for operators, scripts and tests
 * of nodes that share a secret, where development tokens are refused. It always carries `exp`.
 */
export function mintToken(secret: string, options: MintOptions): Promise<string> {
  const claims: Record<string, unknown> = { role: options.role ?? 'viewer' };
  if (options.name !== undefined) claims.name = options.name;
  if (options.member) claims.member = true;
  if (options.followedAt !== undefined) claims.followed_at = Math.floor(options.followedAt / 1000);
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.sub)
    .setIssuedAt()
    .setExpirationTime(ttlOf(options.ttl ?? '1h'));
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

function ttlOf(ttl: string | number): string | number {
  return typeof ttl === 'number' ? Math.floor(Date.now() / 1000) + ttl : ttl;
}
