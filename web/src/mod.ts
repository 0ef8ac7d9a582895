/** `/e/:eventId/mod`: the moderator console. */

import { ApiError, connect, LiveCommentsApi, type TransportName } from '@livecomments/client';
import type { Comment, LiveEvent } from '@livecomments/protocol';
import { AnalyticsView } from './analytics-view.js';
import { BanDialog } from './ban-dialog.js';
import { showChatModes, wireChatModes } from './chat-mode-controls.js';
import { CommentList } from './comment-list.js';
import { byId, h } from './dom.js';
import { type Identity, lastName, loadIdentity, signIn } from './identity.js';
import { ModRecords } from './mod-records.js';
import { ModeratorsPanel } from './moderators-panel.js';
import { eventIdFromPath, showConnection, transportFromQuery } from './page.js';
import { PinPollView } from './pin-poll.js';
import { wirePinPollControls } from './pin-poll-controls.js';
import { ReviewQueue } from './review-queue.js';
import { setUpTheme } from './theme.js';

const eventId = eventIdFromPath();
const TIMEOUT_MS = 5 * 60 * 1000;
const COUNTERS_EVERY_MS = 3000;

let identity: Identity | undefined;
const api = new LiveCommentsApi({ token: () => identity?.token });
byId<HTMLAnchorElement>('viewlink').href = `/e/${encodeURIComponent(eventId)}`;
setUpTheme();
const banDialog = new BanDialog(byId<HTMLDialogElement>('ban-dialog'));
/** Names of the users whose comments the console has seen, for the ban list. */
const names = new Map<string, string>();
let records: ModRecords | undefined;

void start();

/** Picks who moderates (the owner's sign-in, else a moderator's), or asks. */
async function start(): Promise<void> {
  let event: LiveEvent;
  try {
    event = await api.getEvent(eventId);
  } catch (err) {
    byId('title').textContent =
      err instanceof ApiError && err.status === 404 ? 'Event not found' : 'Server unreachable';
    return;
  }
  showEvent(event);
  const viewer = loadIdentity('viewer');
  identity = viewer && viewer.user.id === event.ownerId ? viewer : (loadIdentity('moderator') ?? undefined);
  if (!identity || !(await canModerate())) return showGate();
  openConsole();
}

/** Whether the current identity may read the review queue. */
async function canModerate(): Promise<boolean> {
  try {
    await api.reviewQueue(eventId);
    return true;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return false;
    return true;
  }
}

/** Asks for a name and gets a moderator's development token. */
function showGate(): void {
  byId('gate').hidden = false;
  byId('conn').hidden = true;
  byId('console').hidden = true;
  const input = byId<HTMLInputElement>('gate-name');
  input.value = lastName();
  input.focus();
  byId('gate-form').onsubmit = async (ev) => {
    ev.preventDefault();
    byId('gate-error').textContent = '';
    try {
      identity = await signIn(input.value.trim() || 'moderator', 'moderator');
      if (!(await canModerate())) throw new Error('This sign-in may not moderate this event.');
      byId('gate').hidden = true;
      openConsole();
    } catch (err) {
      byId('gate-error').textContent = err instanceof Error ? err.message : String(err);
    }
  };
}

/** Shows the console and goes live. */
function openConsole(): void {
  byId('console').hidden = false;
  byId('conn').hidden = false;
  const client = connect(eventId, { token: () => identity?.token, history: 100, transport: transportFromQuery() });
  const list = new CommentList({
    list: byId('comments'),
    me: () => identity?.user,
    actions: (comment) => commentActions(comment),
    emptyText: 'Comments appear here as they are published.',
    older: (before) => api.listEntries(eventId, { before, limit: 50 }).then((page) => page.items),
    onBan: 'mark',
  });
  records = new ModRecords(byId('bans'), byId('modlog'), api, eventId, names, toast);
  const queue = new ReviewQueue(byId('queue'), api, eventId, toast, (n) => {
    byId('c-held').textContent = String(n);
  });
  const counters = new Counters();
  const moderators = new ModeratorsPanel(byId('mods'), api, eventId, toast);

  client.on('comment', (comment) => {
    if (names.size > 5000) names.clear();
    names.set(comment.user.id, comment.user.name);
    list.add(comment);
    counters.comment(comment);
  });
  client.on('delete', (id) => list.remove(id));
  client.on('ban', (ban, entry) => {
    // Viewers no longer see the user's comments; the console keeps them, greyed with the action.
    if (ban.until === null || ban.until > Date.now()) list.ban(ban.userId, ban.until, entry.seq);
    void records?.refresh();
  });
  client.on('reset', () => list.clear());
  // An `event` entry carries the public settings only: the console reads them all with its token.
  client.on('event', () => void reloadEvent());
  client.on('presence', (n) => {
    byId('c-viewers').textContent = n.toLocaleString();
  });
  client.on('state', (state, transport: TransportName | null) => showConnection(byId('conn'), state, transport));
  wireSettings();
  new PinPollView({ client, pin: byId('pin'), poll: byId('poll'), canVote: () => false, say: toast });
  wirePinPollControls(client, act);
  pinComment = (comment) => act(() => client.pinMessage({ commentId: comment.id }), 'Comment pinned');

  wireViews();
  const refresh = async () => {
    if (byId('moderate-view').hidden) return;
    await queue.refresh();
    counters.render();
    await counters.loadRefusals();
    await records?.refresh();
    await moderators.refresh();
  };
  void refresh();
  setInterval(refresh, COUNTERS_EVERY_MS);
  window.addEventListener('pagehide', () => client.close());
  // Coming back through the back/forward cache: the connection was closed on the way out.
  window.addEventListener('pageshow', (ev) => {
    if (ev.persisted) location.reload();
  });
}

/** Pins a comment (set once the console is live). */
let pinComment: ((comment: Comment) => Promise<void>) | undefined;

/** Pin / delete / time out / ban buttons under a comment. */
function commentActions(comment: Comment): Node {
  const who = comment.user.name;
  return h(
    'div',
    { class: 'actions' },
    h('button', { class: 'btn tiny', type: 'button', onclick: () => void pinComment?.(comment) }, 'Pin'),
    h(
      'button',
      {
        class: 'btn tiny danger',
        type: 'button',
        onclick: () => act(() => api.deleteComment(eventId, comment.id), 'Comment deleted'),
      },
      'Delete',
    ),
    h(
      'button',
      {
        class: 'btn tiny',
        title: 'Time out for 5 minutes',
        type: 'button',
        onclick: () =>
          act(
            () => api.ban(eventId, { userId: comment.user.id, durationMs: TIMEOUT_MS, reason: 'timeout' }),
            `${who} timed out for 5 minutes`,
          ),
      },
      'Time out',
    ),
    h(
      'button',
      {
        class: 'btn tiny danger',
        type: 'button',
        'aria-label': `Ban ${who}`,
        onclick: () => void banWithReason(comment),
      },
      'Ban',
    ),
  );
}

/** Asks for a reason and a confirmation, then bans the comment's author for good. */
async function banWithReason(comment: Comment): Promise<void> {
  const reason = await banDialog.ask(comment.user.name, comment.text);
  if (reason === undefined) return;
  await act(() => api.ban(eventId, { userId: comment.user.id, reason }), `${comment.user.name} banned`);
  void records?.refresh();
}

/** Runs a moderator action and reports how it went. */
async function act(run: () => Promise<unknown>, done: string): Promise<void> {
  try {
    await run();
    toast(done);
  } catch (err) {
    toast(err instanceof Error ? `Failed: ${err.message}` : 'Failed');
  }
}

/** Slow mode, blocked terms, links, the attack rules and the end button. */
function wireSettings(): void {
  const slow = byId<HTMLInputElement>('slow');
  const slowMs = byId<HTMLSelectElement>('slow-ms');
  const setSlow = () =>
    act(
      () => api.updateSettings(eventId, { slowModeMs: slow.checked ? Number(slowMs.value) : 0 }),
      slow.checked ? `Slow mode on: ${Number(slowMs.value) / 1000} s` : 'Slow mode off',
    );
  slow.addEventListener('change', setSlow);
  slowMs.addEventListener('change', () => slow.checked && setSlow());
  byId('save-terms').addEventListener('click', async () => {
    const terms = byId<HTMLTextAreaElement>('terms')
      .value.split('\n')
      .map((t) => t.trim())
      .filter(Boolean);
    await act(() => api.updateSettings(eventId, { blockedTerms: terms }), `Saved ${terms.length} blocked term(s)`);
    byId('terms').dataset.dirty = '';
  });
  byId('terms').addEventListener('input', () => {
    byId('terms').dataset.dirty = '1';
  });
  wireModerationOptions();
  wireChatModes(api, eventId, act);
  const links = byId<HTMLInputElement>('links');
  links.addEventListener('change', () =>
    act(
      () => api.updateSettings(eventId, { linksAllowed: links.checked }),
      links.checked ? 'Links allowed' : `Comments with links ${linksOffEffect()}`,
    ),
  );
  const attacks = byId<HTMLInputElement>('attack-rules');
  attacks.addEventListener('change', () =>
    act(
      () => api.updateSettings(eventId, { attackRules: attacks.checked }),
      attacks.checked ? 'Attacks held for review' : 'Attack rules off',
    ),
  );
  byId('end').addEventListener('click', () => {
    if (confirm('End this event? Viewers can still read, but no one can comment any more.')) {
      void act(() => api.endEvent(eventId), 'Event ended');
      // The button turns disabled: keep the keyboard on the panel.
      byId('settings-title').focus();
    }
  });
}

/** The AutoMod categories, as the settings name them, with their labels (each has a select in mod.html). */
const AUTOMOD_CATEGORIES = [
  ['spam', 'Spam and scams'],
  ['hostility', 'Threats and insults'],
  ['sexual', 'Sexual'],
  ['discrimination', 'Discrimination'],
  ['selfHarm', 'Self-harm'],
] as const;
const AUTOMOD_LEVELS = ['off', 'low', 'medium', 'high'] as const;
type AutomodCategory = (typeof AUTOMOD_CATEGORIES)[number][0];
type AutomodLevel = (typeof AUTOMOD_LEVELS)[number];
type HookMode = 'off' | 'fail-open' | 'fail-closed';

/** The AutoMod level per category, the blocked-terms options and the classifier switch. */
function wireModerationOptions(): void {
  for (const [category, label] of AUTOMOD_CATEGORIES) {
    const select = byId<HTMLSelectElement>(`automod-${category}`);
    select.addEventListener('change', function levelChanged() {
      const level = select.value as AutomodLevel;
      void act(() => api.updateSettings(eventId, { automod: { [category]: level } }), `${label}: ${level}`);
    });
  }
  const glued = byId<HTMLInputElement>('terms-glued');
  const reversed = byId<HTMLInputElement>('terms-reversed');
  function matchChanged(): void {
    const match = { glued: glued.checked, reversed: reversed.checked };
    void act(() => api.updateSettings(eventId, { blockedTermsMatch: match }), 'Blocked-terms matching saved');
  }
  glued.addEventListener('change', matchChanged);
  reversed.addEventListener('change', matchChanged);
  const hook = byId<HTMLSelectElement>('hook-mode');
  hook.addEventListener('change', function hookChanged() {
    const mode = hook.value as HookMode;
    void act(
      () => api.updateSettings(eventId, { moderationHook: mode }),
      `Team classifier: ${hook.selectedOptions[0]?.text}`,
    );
  });
}

/** Shows the AutoMod levels, blocked-terms options and classifier switch of the event's settings. */
function showModerationOptions(s: LiveEvent['settings']): void {
  const automod = (s.automod ?? {}) as Partial<Record<AutomodCategory, AutomodLevel>>;
  for (const [category] of AUTOMOD_CATEGORIES)
    byId<HTMLSelectElement>(`automod-${category}`).value = automod[category] ?? 'medium';
  byId<HTMLInputElement>('terms-glued').checked = s.blockedTermsMatch?.glued === true;
  byId<HTMLInputElement>('terms-reversed').checked = s.blockedTermsMatch?.reversed === true;
  byId<HTMLSelectElement>('hook-mode').value = s.moderationHook ?? 'fail-open';
}

let linkPolicy: string | undefined;

/** What the server does with a link while links are off (the event's link policy, else "hold"). */
function linksOffEffect(): string {
  return linkPolicy === 'block' ? 'are refused' : 'are held for review';
}

let eventReads = 0;

/** Reads the event with the console's token (blocked terms, thresholds) and shows the newest read. */
async function reloadEvent(): Promise<void> {
  const read = ++eventReads;
  try {
    const event = await api.getEvent(eventId);
    if (read === eventReads) showEvent(event);
  } catch {
    // The next change or a reload reads it again; the connection state shows an outage.
  }
}

/** Shows the event's title, status and settings in the header and controls. */
function showEvent(event: LiveEvent): void {
  document.title = `Moderate: ${event.title} · livecomments`;
  byId('title').textContent = event.title;
  const status = byId('status');
  status.textContent = event.status === 'live' ? 'LIVE' : 'Ended';
  status.className = `pill ${event.status}`;
  const s = event.settings;
  byId<HTMLInputElement>('slow').checked = s.slowModeMs > 0;
  if (s.slowModeMs > 0) {
    const select = byId<HTMLSelectElement>('slow-ms');
    if (![...select.options].some((o) => o.value === String(s.slowModeMs)))
      select.append(h('option', { value: String(s.slowModeMs) }, `${s.slowModeMs / 1000} seconds`));
    select.value = String(s.slowModeMs);
  }
  const terms = byId<HTMLTextAreaElement>('terms');
  if (!terms.dataset.dirty && document.activeElement !== terms) terms.value = (s.blockedTerms ?? []).join('\n');
  byId<HTMLInputElement>('links').checked = Boolean(s.linksAllowed);
  linkPolicy = typeof s.linkPolicy === 'string' ? s.linkPolicy : undefined;
  byId('links-effect').textContent = s.linksAllowed
    ? 'Allow links in comments'
    : `Links off: comments with links ${linksOffEffect()}`;
  byId<HTMLInputElement>('attack-rules').checked = s.attackRules !== false;
  showModerationOptions(s);
  showChatModes(api, eventId, event, act);
  byId<HTMLButtonElement>('end').disabled = event.status !== 'live';
}

/** Comments per minute from the log, refusals by reason from the moderation log. */
class Counters {
  #times: number[] = [];
  #total = 0;

  comment(comment: Comment): void {
    this.#total++;
    this.#times.push(comment.createdAt);
    this.render();
  }

  render(): void {
    const since = Date.now() - 60_000;
    this.#times = this.#times.filter((t) => t >= since);
    byId('c-rate').textContent = String(this.#times.length);
    byId('c-total').textContent = `${this.#total.toLocaleString()} in all`;
  }

  async loadRefusals(): Promise<void> {
    let items: Awaited<ReturnType<LiveCommentsApi['moderationLog']>>;
    try {
      items = await api.moderationLog(eventId);
    } catch {
      return;
    }
    const byReason = new Map<string, number>();
    for (const item of items) {
      if (item.action !== 'block' && item.action !== 'reject') continue;
      const reason = item.action === 'reject' ? 'moderator' : (item.reason ?? 'rules');
      for (const r of reason.split(/[,\s]+/).filter(Boolean)) byReason.set(r, (byReason.get(r) ?? 0) + 1);
    }
    const total = items.filter((i) => i.action === 'block' || i.action === 'reject').length;
    byId('c-refused').textContent = String(total);
    byId('c-reasons').textContent =
      [...byReason.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([r, n]) => `${r.replaceAll('_', ' ')} ${n}`)
        .join(' · ') || 'none yet';
  }
}

let toastTimer: ReturnType<typeof setTimeout> | undefined;
/** A short confirmation at the bottom of the screen. */
function toast(message: string): void {
  const el = byId('toast');
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, 2500);
}

/** The console's two views, chosen by the address's hash: `#analytics` or the moderation view. */
function wireViews(): void {
  const analytics = new AnalyticsView(byId('analytics-view'), api, eventId);
  const show = () => {
    const wanted = location.hash === '#analytics' ? 'analytics' : 'moderate';
    byId('moderate-view').hidden = wanted !== 'moderate';
    analytics.show(wanted === 'analytics');
    for (const [id, view] of [
      ['to-moderate', 'moderate'],
      ['to-analytics', 'analytics'],
    ] as const) {
      if (view === wanted) byId(id).setAttribute('aria-current', 'page');
      else byId(id).removeAttribute('aria-current');
    }
  };
  window.addEventListener('hashchange', show);
  show();
}
