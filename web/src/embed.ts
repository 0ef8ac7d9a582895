/**
 * `/embed/:eventId`: the compact chat a host page frames (docs/EMBED.md). Options in the query:
 * `theme=light|dark|auto`, `transport=ws|sse|poll`, `origin=` (the host page's, set by the
 * widget). The sign-in belongs to the host site: tokens come from the host page by postMessage
 * (host-bridge.ts) and go to the server in the Authorization header only, never in a URL.
 */
import { connect, type PendingPost, type PostResult } from '@livecomments/client';
import type { BanEntry, ErrorBody, PublicEvent, Role } from '@livecomments/protocol';
import { CommentList } from './comment-list.js';
import { Composer } from './composer.js';
import { byId } from './dom.js';
import { type Theme, themeOf } from './embed-messages.js';
import { HeldWatch } from './held-watch.js';
import { HostBridge, hostOrigin } from './host-bridge.js';
import type { Identity } from './identity.js';
import { showConnection, transportFromQuery } from './page.js';

const query = new URLSearchParams(location.search);
applyTheme(themeOf(query.get('theme')));

const eventId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const bridge = new HostBridge(hostOrigin(query.get('origin')));
let identity: Identity | undefined;

const client = connect(eventId, {
  getToken: bridge.token,
  // Streams read anonymously: a browser could only put the token in their URL.
  streamToken: false,
  transport: transportFromQuery(),
});
const list = new CommentList({
  list: byId('comments'),
  newer: byId<HTMLButtonElement>('newer'),
  announcer: byId('announcer'),
  me: () => identity?.user,
  older: (before) => client.api.listEntries(eventId, { before, limit: 50 }).then((page) => page.items),
});
const held = new HeldWatch(client.api, eventId, (post) => list.rejected(post.clientId));
const composer = new Composer({
  client,
  identity: () => identity,
  onIdentity: (next) => {
    identity = next;
    showSignIn();
  },
  join: false,
});

client.on('comment', (comment) => list.add(comment));
client.on('delete', (commentId) => list.remove(commentId));
client.on('ban', onBan);
client.on('reset', () => list.clear());
client.on('event', onEvent);
client.on('presence', (n) => {
  byId('viewers').textContent = `${n.toLocaleString()} watching`;
});
client.on('state', (state, transport) => showConnection(byId('conn'), state, transport));
client.on('pending', (post: PendingPost) => {
  if (identity) list.addPending(post, identity.user);
});
client.on('settled', (post: PendingPost, result: PostResult) => {
  list.settle(post, result);
  composer.settled(post, result);
  if (result.status === 'held') held.watch(post);
});
client.on('error', onFatal);

bridge.onPushed = function tokenPushed(token) {
  if (token) client.api.setToken(token);
  useToken(token);
};
bridge.onTheme = applyTheme;

/** Learns who is signed in on the host page (asks once at start; the client asks again as needed). */
async function signIn(): Promise<void> {
  useToken(bridge.connected ? await client.api.token().catch(() => undefined) : undefined);
}

/** Takes the user from the token's claims (the server checks the token; this is for display). */
function useToken(token: string | undefined): void {
  identity = token ? identityOf(token) : undefined;
  composer.identityChanged();
  showSignIn();
}

function identityOf(token: string): Identity | undefined {
  try {
    const part = token.split('.')[1] ?? '';
    const claims = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    if (typeof claims.sub !== 'string') return undefined;
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name : claims.sub;
    const role = (typeof claims.role === 'string' ? claims.role : 'viewer') as Role;
    return { token, user: { id: claims.sub, name }, role };
  } catch {
    return undefined;
  }
}

/** Without a signed-in user, the chat reads on and says where to sign in. */
function showSignIn(): void {
  byId('signin').hidden = identity !== undefined || client.event?.status === 'ended';
}

function onEvent(event: PublicEvent): void {
  byId('title').textContent = event.title;
  composer.setEvent(event);
  showSignIn();
}

function onBan(ban: { userId: string; until: number | null }, entry: BanEntry): void {
  const inForce = ban.until === null || ban.until > Date.now();
  if (inForce) list.ban(ban.userId, ban.until, entry.seq);
  if (ban.userId !== identity?.user.id) return;
  if (inForce) composer.banned(ban.until);
  else composer.unbanned();
}

function onFatal(error: ErrorBody): void {
  if (error.code === 'banned') composer.banned(typeof error.until === 'number' ? error.until : null, true);
  else if (error.code === 'not_found') {
    byId('title').textContent = 'Event not found';
    composer.disable('This event does not exist.');
  }
}

/** `light` or `dark` pins the theme; `auto` follows the reader's system. */
function applyTheme(theme: Theme): void {
  if (theme === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

window.addEventListener('pagehide', () => {
  held.stop();
  client.close();
});
void signIn();
