// The chat replay of an ended event (docs/API.md "Media time and replay"): a player position
// (play, pause, speed, a slider) in place of the composer, and the chat as it was at that point.
import { type LiveCommentsApi, ReplayPlayer } from '@livecomments/client';
import type { Comment, PublicEvent } from '@livecomments/protocol';
import { byId } from './dom.js';

/** What the panel needs from its page. */
export interface ReplayPanelOptions {
  api: LiveCommentsApi;
  eventId: string;
  /** Empties the chat and shows these (after a seek). */
  reset: (shown: Comment[]) => void;
  /** Shows one more comment whose time came. */
  add: (comment: Comment) => void;
  /** Tells what went wrong. */
  say: (message: string) => void;
}

/** How often the slider and the time follow the position while playing. */
const UI_MS = 250;

/** `m:ss` or `h:mm:ss`. */
export function clockText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/**
 * Puts a comment's media time (its place in the stream, `m:ss`) in its time element, where the
 * live chat shows the time of day: in a replay the player's clock is the one that means anything.
 */
export function showMediaTime(li: HTMLElement, mediaTimeMs: number): void {
  const time = li.querySelector('time.time');
  if (!time) return;
  time.textContent = clockText(mediaTimeMs);
  // A duration, as `<time datetime>` writes one.
  time.setAttribute('datetime', `PT${Math.max(0, Math.floor(mediaTimeMs / 1000))}S`);
  time.setAttribute('title', `${clockText(mediaTimeMs)} into the stream`);
}

/**
 * The replay panel: native controls (a button, a range, a select), so the keyboard works as
 * everywhere (Space/Enter to play, arrows and Page keys on the slider). The slider's end is the
 * event's length (its end minus its media start); a seek loads the chat at the new position.
 */
export class ReplayPanel {
  readonly #player: ReplayPlayer;
  readonly #panel = byId('replay');
  readonly #play = byId<HTMLButtonElement>('replay-play');
  readonly #pos = byId<HTMLInputElement>('replay-pos');
  readonly #speed = byId<HTMLSelectElement>('replay-speed');
  readonly #time = byId('replay-time');
  #length = 0;
  #mediaTimes = false;
  #ui = 0;
  #dragging = false;

  constructor(options: ReplayPanelOptions) {
    // After a seek, the chat shows up to 50 comments of the ten minutes before the position.
    this.#player = new ReplayPlayer(options.eventId, { api: options.api, contextMs: 600_000, contextMax: 50 });
    this.#player.on('reset', (shown) => options.reset(shown));
    this.#player.on('comment', (comment) => options.add(comment));
    this.#player.on('state', () => this.#show());
    this.#player.on('error', (error) => options.say(`The chat replay could not load: ${error.message}`));
    this.#play.addEventListener('click', this.#onPlay);
    this.#pos.addEventListener('input', this.#onSlide);
    this.#pos.addEventListener('change', this.#onSeek);
    this.#speed.addEventListener('change', this.#onSpeed);
  }

  /** Shows the panel for an ended event, at `startMs` (0, or its end for a viewer who watched it end). */
  open(event: PublicEvent, startMs: number): Promise<void> {
    const start = event.mediaStartedAt ?? event.createdAt;
    this.#mediaTimes = event.mediaStartedAt !== undefined;
    this.#length = Math.max(1000, (event.endedAt ?? Date.now()) - start);
    this.#pos.max = String(Math.ceil(this.#length / 1000) * 1000);
    this.#panel.hidden = false;
    return this.seek(Math.min(startMs, this.#length));
  }

  /** Moves the chat to `ms` of media time. */
  seek(ms: number): Promise<void> {
    const done = this.#player.seek(ms);
    this.#show();
    return done;
  }

  /** Whether comments show their media time: the event says when its media started. */
  get mediaTimes(): boolean {
    return this.#mediaTimes;
  }

  /** The player, for its position. */
  get player(): ReplayPlayer {
    return this.#player;
  }

  close(): void {
    clearInterval(this.#ui);
    this.#player.close();
  }

  #onPlay = (): void => {
    if (this.#player.playing) this.#player.pause();
    else {
      // At the end, play starts over.
      if (this.#player.positionMs >= this.#length) void this.seek(0);
      this.#player.play();
    }
  };

  #onSlide = (): void => {
    this.#dragging = true;
    this.#time.textContent = `${clockText(Number(this.#pos.value))} / ${clockText(this.#length)}`;
  };

  #onSeek = (): void => {
    this.#dragging = false;
    void this.seek(Number(this.#pos.value));
  };

  #onSpeed = (): void => {
    this.#player.setSpeed(Number(this.#speed.value));
  };

  /** Puts the controls in step with the player; while playing, follows it every `UI_MS`. */
  #show = (): void => {
    const p = this.#player;
    if (p.playing && p.positionMs >= this.#length) p.pause();
    const playing = p.playing;
    this.#play.textContent = playing ? '❚❚' : '▶';
    this.#play.setAttribute('aria-label', playing ? 'Pause the chat replay' : 'Play the chat replay');
    if (!this.#dragging) {
      this.#pos.value = String(Math.round(p.positionMs));
      this.#time.textContent = `${clockText(p.positionMs)} / ${clockText(this.#length)}`;
    }
    this.#pos.setAttribute('aria-valuetext', clockText(p.positionMs));
    clearInterval(this.#ui);
    if (playing) this.#ui = window.setInterval(this.#show, UI_MS);
  };
}
