/**
 * The messages between the embed page (`/embed/:eventId`, in an iframe) and the widget on the host
 * page (`/embed.js`). Each side checks the other's origin and window before it reads one, and
 * names the other's origin as the target of what it sends, so a token goes nowhere else.
 */

/** The embed page asks the host page for a token (`id` pairs the answer). */
export interface TokenRequest {
  type: 'livecomments:token-request';
  id: number;
}

/** A token from the host page: an answer (`id`), or pushed after a sign-in or out (no `id`). */
export interface TokenAnswer {
  type: 'livecomments:token';
  id?: number;
  /** Null: nobody is signed in on the host page. */
  token: string | null;
}

/** The host page changes the widget's theme. */
export interface ThemeMessage {
  type: 'livecomments:theme';
  theme: Theme;
}

/** The embed page is loaded and listening. */
export interface ReadyMessage {
  type: 'livecomments:ready';
}

/** The widget's themes: `auto` follows the reader's system. */
export type Theme = 'light' | 'dark' | 'auto';

/** `light`, `dark` or `auto` (anything else). */
export function themeOf(value: string | null | undefined): Theme {
  return value === 'light' || value === 'dark' ? value : 'auto';
}

/** Whether `data` is a message of `type` (an object with that `type` field). */
export function isMessage<T extends { type: string }>(data: unknown, type: T['type']): data is T {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === type;
}
