/** The console's chat modes (members-only, followers-only, emote-only) and the event's emotes. */
import type { LiveCommentsApi } from '@livecomments/client';
import type { LiveEvent } from '@livecomments/protocol';
import { byId, h } from './dom.js';
import { emoteImage, setEmotes } from './emotes.js';

/** Runs a change and reports how it went (the console's `act`). */
type Act = (run: () => Promise<unknown>, done: string) => Promise<void>;

/** Wires the switches and the emote form of the settings panel. */
export function wireChatModes(api: LiveCommentsApi, eventId: string, act: Act): void {
  const members = byId<HTMLInputElement>('members-only');
  members.addEventListener('change', () =>
    act(
      () => api.updateSettings(eventId, { membersOnly: members.checked }),
      members.checked ? 'Members-only chat on' : 'Members-only chat off',
    ),
  );
  const followers = byId<HTMLInputElement>('followers-only');
  const minutes = byId<HTMLSelectElement>('follow-minutes');
  const setFollowers = () =>
    act(
      () => api.updateSettings(eventId, { followersOnly: followers.checked, minFollowMinutes: Number(minutes.value) }),
      followers.checked ? 'Followers-only chat on' : 'Followers-only chat off',
    );
  followers.addEventListener('change', setFollowers);
  minutes.addEventListener('change', () => followers.checked && setFollowers());
  const emoteOnly = byId<HTMLInputElement>('emote-only');
  emoteOnly.addEventListener('change', () =>
    act(
      () => api.updateSettings(eventId, { emoteOnly: emoteOnly.checked }),
      emoteOnly.checked ? 'Emote-only chat on' : 'Emote-only chat off',
    ),
  );
  byId<HTMLFormElement>('emote-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    void addEmote(api, eventId, act);
  });
}

async function addEmote(api: LiveCommentsApi, eventId: string, act: Act): Promise<void> {
  const code = byId<HTMLInputElement>('emote-code').value.trim().replace(/^:|:$/g, '');
  const file = byId<HTMLInputElement>('emote-file').files?.[0];
  const url = byId<HTMLInputElement>('emote-url').value.trim();
  if (!code || (!file && !url)) return;
  const source = file ? { image: new Uint8Array(await file.arrayBuffer()) } : { url };
  await act(() => api.putEmote(eventId, code, source), `Emote :${code}: saved`);
  byId<HTMLFormElement>('emote-form').reset();
}

/** Shows the modes and the emotes of the event's settings. */
export function showChatModes(api: LiveCommentsApi, eventId: string, event: LiveEvent, act: Act): void {
  const s = event.settings;
  byId<HTMLInputElement>('members-only').checked = s.membersOnly === true;
  byId<HTMLInputElement>('followers-only').checked = s.followersOnly === true;
  const minutes = byId<HTMLSelectElement>('follow-minutes');
  const value = String(s.minFollowMinutes ?? 0);
  if (![...minutes.options].some((o) => o.value === value)) minutes.append(h('option', { value }, `${value} minutes`));
  minutes.value = value;
  byId<HTMLInputElement>('emote-only').checked = s.emoteOnly === true;
  setEmotes(s.emotes, api.baseUrl);
  const items = (s.emotes ?? []).map((emote) => {
    const remove = h(
      'button',
      { class: 'btn small', type: 'button', 'aria-label': `Remove :${emote.code}:` },
      'Remove',
    );
    remove.addEventListener('click', () =>
      act(() => api.removeEmote(eventId, emote.code), `Emote :${emote.code}: removed`),
    );
    return h('li', { class: 'emote-row' }, emoteImage(emote), h('code', {}, `:${emote.code}:`), remove);
  });
  byId('emote-list').replaceChildren(...items);
}
