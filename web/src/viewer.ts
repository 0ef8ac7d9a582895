/** `/e/:eventId`: the viewer page: stage, live comment panel, post box. */
import { connect, type PendingPost, type PostResult, type TransportName } from '@livecomments/client';
import type { ErrorBody, PublicEvent } from '@livecomments/protocol';
import { CommentList } from './comment-list.js';
import { Composer } from './composer.js';
import { byId } from './dom.js';
import { type Identity, loadIdentity } from './identity.js';
import { eventIdFromPath, showConnection, transportFromQuery } from './page.js';

const eventId = eventIdFromPath();
let identity: Identity | undefined = loadIdentity();

const client = connect(eventId, {
  token: () => identity?.token,
  transport: transportFromQuery(),
});
const list = new CommentList({
  list: byId('comments'),
  newer: byId<HTMLButtonElement>('newer'),
  announcer: byId('announcer'),
  me: () => identity?.user,
});
const composer = new Composer({
  client,
  identity: () => identity,
  onIdentity: (next) => {
    identity = next;
    showModLink(client.event);
  },
});

client.on('comment', (comment) => list.add(comment));
client.on('delete', (commentId) => list.remove(commentId));
client.on('ban', onBan);
client.on('reset', () => list.clear());
client.on('event', onEvent);
client.on('presence', (n) => {
  byId('viewers').textContent = `${n.toLocaleString()} watching`;
});
client.on('state', (state, transport: TransportName | null) => showConnection(byId('conn'), state, transport));
client.on('pending', (post: PendingPost) => {
  if (identity) list.addPending(post, identity.user);
});
client.on('settled', (post: PendingPost, result: PostResult) => {
  list.settle(post, result);
  composer.settled(post, result);
});
client.on('error', onFatal);
client.on('tokenRejected', () => {
  if (identity) composer.signedOut();
});

/** Shows the event's title, status and settings. */
function onEvent(event: PublicEvent): void {
  document.title = `${event.title} · livecomments`;
  byId('title').textContent = event.title;
  byId('stage-title').textContent = event.title;
  const status = byId('status');
  status.textContent = event.status === 'live' ? 'LIVE' : 'Ended';
  status.className = `pill ${event.status}`;
  const badge = byId('slow-badge');
  badge.hidden = !(event.settings.slowModeMs > 0);
  badge.textContent = `Slow mode · ${Math.round(event.settings.slowModeMs / 1000)} s`;
  composer.setEvent(event);
  showModLink(event);
}

/** Hides a banned user's comments; tells the user when it is them. */
function onBan(ban: { userId: string; until: number | null }): void {
  // A ban whose end has passed is a lift (unbans are logged as a ban ending now).
  const inForce = ban.until === null || ban.until > Date.now();
  if (inForce) list.removeUser(ban.userId);
  if (ban.userId !== identity?.user.id) return;
  if (inForce) composer.banned(ban.until);
  else composer.unbanned();
}

/** The connection cannot go on (event gone, user banned). */
function onFatal(error: ErrorBody): void {
  if (error.code === 'banned') composer.banned(null);
  else if (error.code === 'not_found') {
    byId('title').textContent = 'Event not found';
    byId('stage-title').textContent = 'This event does not exist';
    composer.disable('This event does not exist.');
  }
}

/** Offers the console to the event's owner. */
function showModLink(event: PublicEvent | null): void {
  const link = byId<HTMLAnchorElement>('modlink');
  link.href = `/e/${encodeURIComponent(eventId)}/mod`;
  link.hidden = !(event && identity && (event.ownerId === identity.user.id || identity.role !== 'viewer'));
}

window.addEventListener('pagehide', () => client.close());
// Coming back through the back/forward cache: the connection was closed on the way out.
window.addEventListener('pageshow', (ev) => {
  if (ev.persisted) location.reload();
});
