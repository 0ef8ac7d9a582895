/**
 * The widget script (`<script src="https://chat.example/embed.js" async></script>`, docs/EMBED.md):
 * defines `<live-comments event="..." token-provider="..." theme="light|dark|auto">`, which frames
 * `/embed/:eventId` from the node that served this script, and hands the frame tokens from the
 * host page's provider when it asks. Messages are taken only from that frame and the node's
 * origin, and sent only to them; the token is never put in the frame's URL.
 */
import { isMessage, type TokenAnswer, type TokenRequest, themeOf } from './embed-messages.js';

/** Where the chat is served: the origin of this very script (read while it runs). */
const SCRIPT_ORIGIN = (() => {
  const src = (document.currentScript as HTMLScriptElement | null)?.src;
  try {
    return src ? new URL(src).origin : undefined;
  } catch {
    return undefined;
  }
})();

/** A host page's token provider: the signed-in user's token, or null/undefined for nobody. */
export type TokenProvider = () => string | null | undefined | Promise<string | null | undefined>;

/** `<live-comments>`: the embedded chat of one event. */
class LiveCommentsElement extends HTMLElement {
  static observedAttributes = ['theme'];
  /** Set from script instead of the `token-provider` attribute (which names a global function). */
  tokenProvider: TokenProvider | undefined;
  #frame: HTMLIFrameElement | undefined;
  readonly #onMessage = (ev: MessageEvent) => void this.#received(ev);

  /** The node's origin: the `server` attribute, else where this script came from. */
  get server(): string | undefined {
    const attr = this.getAttribute('server');
    try {
      return attr ? new URL(attr).origin : SCRIPT_ORIGIN;
    } catch {
      return undefined;
    }
  }

  connectedCallback(): void {
    const event = this.getAttribute('event');
    const server = this.server;
    if (!event || !server || this.#frame) return;
    const src = new URL(`/embed/${encodeURIComponent(event)}`, server);
    src.searchParams.set('theme', themeOf(this.getAttribute('theme')));
    src.searchParams.set('origin', location.origin);
    const transport = this.getAttribute('transport');
    if (transport) src.searchParams.set('transport', transport);
    const frame = document.createElement('iframe');
    frame.src = src.href;
    frame.title = this.getAttribute('label') ?? 'Live chat';
    frame.style.cssText = `display:block;width:100%;height:${this.getAttribute('height') ?? '480px'};border:0;`;
    window.addEventListener('message', this.#onMessage);
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    root.replaceChildren(frame);
    this.#frame = frame;
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.#onMessage);
    this.#frame?.remove();
    this.#frame = undefined;
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    if (name === 'theme') this.#post({ type: 'livecomments:theme', theme: themeOf(value) });
  }

  /** Tells the chat that the user signed in or out: it asks the provider again now. */
  async refreshToken(): Promise<void> {
    this.#post({ type: 'livecomments:token', token: await this.#token() });
  }

  async #received(ev: MessageEvent): Promise<void> {
    // Only this element's frame, and only as served by the node: nobody else gets a token.
    if (!this.#frame || ev.source !== this.#frame.contentWindow || ev.origin !== this.server) return;
    if (isMessage<TokenRequest>(ev.data, 'livecomments:token-request') && typeof ev.data.id === 'number') {
      const answer: TokenAnswer = { type: 'livecomments:token', id: ev.data.id, token: await this.#token() };
      this.#post(answer);
    }
  }

  async #token(): Promise<string | null> {
    const name = this.getAttribute('token-provider');
    const global = name ? (window as unknown as Record<string, unknown>)[name] : undefined;
    const provider = this.tokenProvider ?? (typeof global === 'function' ? (global as TokenProvider) : undefined);
    if (!provider) return null;
    try {
      const token = await provider();
      return typeof token === 'string' && token !== '' ? token : null;
    } catch {
      return null;
    }
  }

  #post(message: unknown): void {
    const server = this.server;
    if (server) this.#frame?.contentWindow?.postMessage(message, server);
  }
}

if (!customElements.get('live-comments')) customElements.define('live-comments', LiveCommentsElement);
