/**
 * The embed page's side of the token hand-over: it asks the host page (its parent window, on the
 * origin the widget named and the browser confirms) for a token by postMessage, and takes
 * answers from that window and origin only. Tokens never travel in a URL.
 */
import {
  isMessage,
  type ReadyMessage,
  type ThemeMessage,
  type TokenAnswer,
  type TokenRequest,
} from './embed-messages.js';

/** How long the host page has to answer a token request. */
const ANSWER_MS = 10_000;

/**
 * The host page's origin, when it can be trusted: the `origin` the widget put in the query,
 * confirmed by the browser's `location.ancestorOrigins` where it has one. The page is framed only
 * by allowed origins (its `frame-ancestors`), so a false `origin` cannot reach a real token.
 */
export function hostOrigin(claimed: string | null): string | undefined {
  if (!claimed || window.parent === window) return undefined;
  let origin: string;
  try {
    origin = new URL(claimed).origin;
  } catch {
    return undefined;
  }
  if (origin !== claimed || origin === 'null') return undefined;
  const ancestors = (location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins;
  if (ancestors && ancestors.length > 0 && ancestors[0] !== origin) return undefined;
  return origin;
}

/** Tokens from the host page, and what else it tells the widget. */
export class HostBridge {
  readonly #host: string | undefined;
  readonly #waiting = new Map<number, (token: string | undefined) => void>();
  #next = 1;
  /** Called with a token the host page pushed (a sign-in, `null`: a sign-out). */
  onPushed: (token: string | undefined) => void = () => {};
  /** Called when the host page changes the theme. */
  onTheme: (theme: ThemeMessage['theme']) => void = () => {};

  constructor(host: string | undefined) {
    this.#host = host;
    if (!host) return;
    window.addEventListener('message', (ev) => this.#received(ev));
    this.#send({ type: 'livecomments:ready' });
  }

  /** Whether a host page is there to ask. */
  get connected(): boolean {
    return this.#host !== undefined;
  }

  /** Asks the host page for a token; undefined when it has none or does not answer in time. */
  token = (): Promise<string | undefined> => {
    if (!this.#host) return Promise.resolve(undefined);
    const id = this.#next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#settle(id, undefined), ANSWER_MS);
      this.#waiting.set(id, (token) => {
        clearTimeout(timer);
        resolve(token);
      });
      this.#send({ type: 'livecomments:token-request', id });
    });
  };

  #send(message: TokenRequest | ReadyMessage): void {
    // Addressed to the host's origin: the browser drops it if the parent is anything else.
    if (this.#host) window.parent.postMessage(message, this.#host);
  }

  #received(ev: MessageEvent): void {
    if (ev.source !== window.parent || ev.origin !== this.#host) return;
    if (isMessage<TokenAnswer>(ev.data, 'livecomments:token')) {
      const token = typeof ev.data.token === 'string' && ev.data.token !== '' ? ev.data.token : undefined;
      if (typeof ev.data.id === 'number') this.#settle(ev.data.id, token);
      else this.onPushed(token);
    } else if (isMessage<ThemeMessage>(ev.data, 'livecomments:theme')) {
      this.onTheme(ev.data.theme);
    }
  }

  #settle(id: number, token: string | undefined): void {
    const resolve = this.#waiting.get(id);
    this.#waiting.delete(id);
    resolve?.(token);
  }
}
