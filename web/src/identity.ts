import { ApiError, LiveCommentsApi } from '@livecomments/client';
import type { Role, UserRef } from '@livecomments/protocol';

/** Who the browser is: a token and its user, kept in localStorage per role. */
export interface Identity {
  token: string;
  user: UserRef;
  role: Role;
}

const KEY = 'lc.identity';

function key(role: Role): string {
  return role === 'viewer' ? KEY : `${KEY}.${role}`;
}

/** The stored identity for `role`, if any. */
export function loadIdentity(role: Role = 'viewer'): Identity | undefined {
  try {
    const raw = localStorage.getItem(key(role));
    const parsed = raw ? (JSON.parse(raw) as Identity) : undefined;
    return parsed?.token && parsed.user?.id ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Forgets the identity for `role` (e.g. the server no longer accepts its token). */
export function forgetIdentity(role: Role = 'viewer'): void {
  try {
    localStorage.removeItem(key(role));
  } catch {
    // Nothing stored.
  }
}

/** The name the user typed last, to prefill forms. */
export function lastName(): string {
  return loadIdentity('viewer')?.user.name ?? loadIdentity('moderator')?.user.name ?? '';
}

/** Gets a development token for `name` from the server and stores it. */
export async function signIn(name: string, role: Role = 'viewer'): Promise<Identity> {
  const api = new LiveCommentsApi();
  try {
    const { token, user } = await api.devToken(name.trim(), role);
    const identity: Identity = { token, user, role };
    try {
      localStorage.setItem(key(role), JSON.stringify(identity));
    } catch {
      // Private mode: the identity lives as long as the page.
    }
    return identity;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) {
      throw new Error('This server does not hand out development tokens; sign in through your site instead.');
    }
    throw err;
  }
}
