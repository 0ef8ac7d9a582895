/** `/e/:eventId`: the viewer page: stage, live comment panel, post box. */
import {
  type ConnectionState,
  connect,
  type PendingPost,
  type PostResult,
  type TransportName,
} from '@livecomments/client';
import type { BanEntry, Comment, ErrorBody, PublicEvent } from '@livecomments/protocol';
import { CommentList } from './comment-list.js';
import { Composer } from './composer.js';
import { byId } from './dom.js';
import { HeldWatch } from './held-watch.js';
import { type Identity, loadIdentity } from './identity.js';
import { Likes, setUpViewSwitch, viewFromQuery } from './likes.js';
import { MentionPicker } from './mentions.js';
import { Notice } from './notice.js';
import { eventIdFromPath, showConnection, transportFromQuery } from './page.js';
import { PinPollView } from './pin-poll.js';
import { ReactionBar } from './reaction-bar.js';
import { ReplayPanel, showMediaTime } from './replay-panel.js';
import { setUpShare } from './share.js';
import { ViewerSocial } from './social.js';
import { setUpTheme } from './theme.js';

setUpTheme();

const eventId = eventIdFromPath();
let identity: Identity | undefined = loadIdentity();
/** The chat replay, once the event has ended. */
let replay: ReplayPanel | undefined;

const view = viewFromQuery();
const client = connect(eventId, {
  token: () => identity?.token,
  transport: transportFromQuery(),
  view,
});
const notice = new Notice(byId('notice'));
const say = (message: string) => notice.show('info', message, 4000);
const signedIn = () => identity !== undefined;
const likes = new Likes(byId('comments'), client, say, signedIn);
const reactions = new ReactionBar(byId('reactions'), byId('burst'), client, say, signedIn);
setUpViewSwitch(byId('view-switch'), view);
byId('chat-title').textContent = view === 'top' ? 'Top chat' : 'Live chat';
const list = new CommentList({
  list: byId('comments'),
  newer: byId<HTMLButtonElement>('newer'),
  announcer: byId('announcer'),
  me: () => identity?.user,
  // A replay shows the chat at the player's position, not older pages of the log.
  older: (before) =>
    replay
      ? Promise.resolve([])
      : client.api
          .listEntries(eventId, { before, limit: 50, ...(view === 'top' ? { view } : {}) })
          .then((page) => page.items),
  actions: (comment) => commentControls(comment),
  decorate: (li, comment) => {
    social.decorate(li, comment);
    // A replay of a stream with a known start: each comment at its place in the stream.
    if (replay?.mediaTimes && comment.mediaTimeMs !== undefined) showMediaTime(li, comment.mediaTimeMs);
  },
});
const held = new HeldWatch(client.api, eventId, (post) => list.rejected(post.clientId));
const composer = new Composer({
  client,
  identity: () => identity,
  onIdentity: (next) => {
    identity = next;
    showModLink(client.event);
  },
});

new PinPollView({
  client,
  pin: byId('pin'),
  poll: byId('poll'),
  canVote: () => identity !== undefined,
  say: (message) => {
    byId('notice').textContent = message;
  },
});

const social = new ViewerSocial({
  client,
  me: () => identity?.user,
  replyTo: (parent) => composer.replyTo(parent),
  say: toast,
});
new MentionPicker(byId<HTMLTextAreaElement>('text'), () => social.chatters());
showUnhide();

client.on('comment', (comment) => {
  // Replaying, the chat follows the player; deletions and bans still apply as they come.
  if (replay) return;
  showComment(comment);
});
client.on('delete', (commentId) => list.remove(commentId));
client.on('ban', onBan);
client.on('reset', () => {
  if (!replay) list.clear();
});
client.on('event', onEvent);
client.on('reactions', (counts) => reactions.counts(counts));
client.on('likes', (counts) => likes.counts(counts));
client.on('presence', (n) => {
  byId('viewers').textContent = `${n.toLocaleString()} watching`;
});
client.on('state', onState);
client.on('pending', (post: PendingPost) => {
  if (identity) list.addPending(post, identity.user);
});
client.on('settled', (post: PendingPost, result: PostResult) => {
  list.settle(post, result);
  composer.settled(post, result);
  if (result.status === 'held') held.watch(post);
});
client.on('error', onFatal);
client.on('tokenRejected', () => {
  if (identity) composer.signedOut();
});

/** Under each comment: its like button, then the reply/report/hide/delete tools. */
function commentControls(comment: Comment): Node {
  const controls = document.createDocumentFragment();
  controls.append(likes.button(comment));
  const tools = social.actions(comment);
  if (tools) controls.append(tools);
  return controls;
}

/** Shows the event's title, status and settings. */
function onEvent(event: PublicEvent): void {
  document.title = `${event.title} · livecomments`;
  byId('title').textContent = event.title;
  byId('stage-title').textContent = event.title;
  const status = byId('status');
  status.textContent = event.status === 'live' ? 'LIVE' : 'Ended';
  status.className = `pill ${event.status}`;
  onState(client.state, client.transport);
  const badge = byId('slow-badge');
  badge.hidden = !(event.settings.slowModeMs > 0);
  badge.textContent = `Slow mode · ${Math.round(event.settings.slowModeMs / 1000)} s`;
  composer.setEvent(event);
  // An ended event takes no reactions (the server refuses them): no bar to tap in vain.
  reactions.setEvent(event.status === 'live' ? event.settings.reactions : []);
  showModLink(event);
  if (event.status !== 'live' && !replay) startReplay(event);
}

function showComment(comment: Comment): void {
  social.note(comment);
  list.add(comment);
}

/**
 * An ended event's chat plays beside a player position, in place of the composer. It opens at the
 * end, so the chat reads as it ended (for a newcomer too); seek back or press play to replay it.
 */
function startReplay(event: PublicEvent): void {
  replay = new ReplayPanel({
    api: client.api,
    eventId,
    reset: (shown) => {
      list.clear();
      for (const comment of shown) showComment(comment);
    },
    add: showComment,
    say: (message) => notice.show('bad', message, 6000),
  });
  byId('chat-title').textContent = 'Chat replay';
  byId('view-switch').hidden = true;
  void replay.open(event, Number.POSITIVE_INFINITY);
}

/** Shows the connection; an ended event's page is a replay, not "Live". */
function onState(state: ConnectionState, transport: TransportName | null): void {
  const conn = byId('conn');
  showConnection(conn, state, transport);
  if (client.event?.status === 'ended' && state === 'live') {
    conn.dataset.state = 'ended';
    conn.textContent = 'Ended · chat replay';
    conn.title = 'This event has ended; its chat stays readable';
  }
}

/** Hides a banned user's comments (the user sees theirs greyed); tells the user when it is them. */
function onBan(ban: { userId: string; until: number | null }, entry: BanEntry): void {
  // A ban whose end has passed is a lift (unbans are logged as a ban ending now).
  const inForce = ban.until === null || ban.until > Date.now();
  if (inForce) list.ban(ban.userId, ban.until, entry.seq);
  if (ban.userId !== identity?.user.id) return;
  if (inForce) composer.banned(ban.until);
  else composer.unbanned();
}

/** The connection cannot go on (event gone, user banned). */
function onFatal(error: ErrorBody): void {
  // A time-out told its end already through the log; the closing socket does not say it.
  if (error.code === 'banned') composer.banned(typeof error.until === 'number' ? error.until : null, true);
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

/** A short message at the foot of the page. */
function toast(message: string): void {
  const el = byId('toast');
  el.textContent = message;
  el.hidden = false;
  clearTimeout(Number(el.dataset.timer));
  el.dataset.timer = String(setTimeout(() => (el.hidden = true), 3500));
  showUnhide();
}

/** The way back for users hidden on this device. */
function showUnhide(): void {
  const button = byId<HTMLButtonElement>('unhide');
  const n = social.hiddenCount;
  button.hidden = n === 0;
  button.textContent = `${n} hidden · show`;
  button.onclick = () => {
    social.unhideAll();
    showUnhide();
  };
}

setUpShare(eventId);
window.addEventListener('pagehide', () => {
  held.stop();
  replay?.close();
  client.close();
});
// Coming back through the back/forward cache: the connection was closed on the way out.
window.addEventListener('pageshow', (ev) => {
  if (ev.persisted) location.reload();
});

/** After starting this event on the home page, the keyboard lands in the post box. */
function focusAfterStart(): void {
  try {
    if (sessionStorage.getItem('lc.focusComposer') !== eventId) return;
    sessionStorage.removeItem('lc.focusComposer');
  } catch {
    return;
  }
  byId('text').focus();
}
focusAfterStart();
