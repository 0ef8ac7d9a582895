/**
 * The user a connect proxy answer names, read as a Principal: everything checked and bounded, and
 * nothing granted that the operator did not allow (a privileged role only from `LC_PROXY_ROLES`;
 * badges only `member` and `verified`, as from a token). docs/INTEGRATION.md "Proxy".
 */
import { type Badge, CLAIMED_BADGES, ROLES, type Role } from '@livecomments/protocol';
import type { Principal } from '../auth/auth.js';
import { normaliseName } from '../ingest/normalise.js';

/** Longest avatar URL kept. */
export const MAX_AVATAR_URL = 512;
/** A `followedAt` this far ahead of the node's clock is still taken (clock skew); further is dropped. */
const FOLLOWED_SKEW_MS = 5 * 60_000;

/** A malformed answer: the call counts as failed. */
export class MalformedAnswer extends Error {
  override name = 'MalformedAnswer';
}

/** What reading a user gave: the principal, and a privileged role it asked for and was not allowed. */
export interface ReadUser {
  principal: Principal;
  refusedRole?: Role;
}

/** Reads the `user` of an answer; throws `MalformedAnswer` when it is not as documented. */
export function readUser(raw: unknown, allowedRoles: readonly string[], now: number): ReadUser {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new MalformedAnswer('user is not an object');
  const user = raw as Record<string, unknown>;
  const { id } = user;
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) throw new MalformedAnswer('user.id');
  const role = user.role ?? 'viewer';
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw new MalformedAnswer('user.role');
  const name = (typeof user.name === 'string' && normaliseName(user.name.slice(0, 1000))) || id;
  const granted = role === 'viewer' || allowedRoles.includes(role);
  const principal: Principal = { id, name, role: granted ? (role as Role) : 'viewer' };
  const badges = badgesOf(user.badges);
  if (badges.length > 0) principal.badges = badges;
  const followedAt = user.followedAt;
  if (
    Number.isSafeInteger(followedAt) &&
    (followedAt as number) >= 0 &&
    (followedAt as number) <= now + FOLLOWED_SKEW_MS
  ) {
    principal.followedAt = followedAt as number;
  }
  const avatarUrl = avatarUrlOf(user.avatarUrl);
  if (avatarUrl !== undefined) principal.avatarUrl = avatarUrl;
  return granted ? { principal } : { principal, refusedRole: role as Role };
}

/** `member` and `verified` when named (at most 16 entries are looked at); the server works out the others. */
function badgesOf(raw: unknown): Badge[] {
  if (!Array.isArray(raw)) return [];
  const named = raw.slice(0, 16);
  return CLAIMED_BADGES.filter((badge) => named.includes(badge));
}

/**
 * An avatar URL as kept: https, no credentials, at most `MAX_AVATAR_URL` characters as the URL
 * parser writes it (so no control characters or spaces); anything else is dropped.
 */
export function avatarUrlOf(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_AVATAR_URL) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.hostname === '') return undefined;
  return url.href.length <= MAX_AVATAR_URL ? url.href : undefined;
}
