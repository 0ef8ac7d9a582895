/** `/`: the live events list and the form that starts an event. */
import { ApiError, LiveCommentsApi } from '@livecomments/client';
import type { LiveEvent } from '@livecomments/protocol';
import { ago, byId, h, plural } from './dom.js';
import { forgetIdentity, type Identity, lastName, loadIdentity, signIn } from './identity.js';
import { setUpTheme } from './theme.js';

const REFRESH_MS = 5000;

const api = new LiveCommentsApi({ token: () => loadIdentity()?.token });
const form = byId<HTMLFormElement>('start');
const nameInput = byId<HTMLInputElement>('name');
const titleInput = byId<HTMLInputElement>('title');
const errorLine = byId('start-error');
const list = byId('events');
const past = byId('past');

setUpTheme();
nameInput.value = lastName();
showWhoami(loadIdentity());
form.addEventListener('submit', onStart);
void refresh();
setInterval(refresh, REFRESH_MS);

/** Starts an event, signing in first when needed, then opens its page. */
async function onStart(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  errorLine.textContent = '';
  const name = nameInput.value.trim();
  const title = titleInput.value.trim();
  if (!name) return fail('Please enter your name.', nameInput);
  if (!title) return fail('Please give the event a title.', titleInput);
  const button = form.querySelector('button');
  if (button) button.disabled = true;
  try {
    let identity = loadIdentity();
    if (!identity || identity.user.name !== name) identity = await signIn(name);
    showWhoami(identity);
    const event = await createEvent(title);
    // The event page puts the keyboard in its post box, where the owner goes next.
    try {
      sessionStorage.setItem('lc.focusComposer', event.id);
    } catch {
      // No storage: the page opens without moving focus.
    }
    location.href = `/e/${encodeURIComponent(event.id)}`;
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  } finally {
    if (button) button.disabled = false;
  }
}

/** Creates the event; a token the server no longer knows is renewed once. */
async function createEvent(title: string): Promise<LiveEvent> {
  try {
    return await api.createEvent(title);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      const name = loadIdentity()?.user.name ?? nameInput.value.trim();
      forgetIdentity();
      await signIn(name);
      return api.createEvent(title);
    }
    throw err;
  }
}

function fail(message: string, field?: HTMLInputElement): void {
  errorLine.textContent = message;
  field?.focus();
}

function showWhoami(identity: Identity | undefined): void {
  byId('whoami').textContent = identity ? `Signed in as ${identity.user.name}` : '';
}

/** Reloads the lists of live and past events. */
async function refresh(): Promise<void> {
  let events: LiveEvent[];
  let ended: LiveEvent[];
  try {
    [events, ended] = await Promise.all([api.listEvents('live'), api.listEvents('ended')]);
  } catch {
    return;
  }
  const me = loadIdentity()?.user.id;
  list.replaceChildren(
    ...(events.length === 0
      ? [h('li', { class: 'empty' }, 'No live events yet. Start one!')]
      : events.map((event) => eventRow(event, me))),
  );
  past.replaceChildren(
    ...(ended.length === 0
      ? [h('li', { class: 'empty' }, 'Ended events show here, with their chat to read.')]
      : ended.slice(0, 20).map((event) => eventRow(event, me))),
  );
}

function eventRow(event: LiveEvent, me: string | undefined): HTMLLIElement {
  const href = `/e/${encodeURIComponent(event.id)}`;
  if (event.status === 'ended') {
    return h(
      'li',
      { class: 'event-row ended' },
      h('span', { class: 'thumb', 'aria-hidden': 'true' }),
      h(
        'div',
        { class: 'info' },
        h('div', { class: 'title' }, event.title),
        h('div', { class: 'sub' }, `Ended ${ago(event.endedAt ?? event.createdAt)}`),
      ),
      h('a', { class: 'btn small', href, 'aria-label': `Read the chat of ${event.title}` }, 'Read chat'),
    );
  }
  return h(
    'li',
    { class: 'event-row' },
    h('span', { class: 'thumb', 'aria-hidden': 'true' }),
    h(
      'div',
      { class: 'info' },
      h('div', { class: 'title' }, event.title),
      h('div', { class: 'sub' }, `${plural(event.viewers ?? 0, 'viewer')} · started ${ago(event.createdAt)}`),
    ),
    event.ownerId === me ? h('a', { class: 'btn small', href: `${href}/mod` }, 'Moderate') : null,
    h('a', { class: 'btn small primary', href }, 'Watch'),
  );
}
