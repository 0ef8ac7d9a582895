import type { TransportName } from './transports/types.js';

/** How long a transport that worked is tried first. */
const REMEMBER_MS = 24 * 60 * 60 * 1000;
const KEY = 'livecomments.transport:';
const memory = new Map<string, { name: TransportName; at: number }>();

/** Browser storage when there is one (it may throw in private modes or sandboxed frames). */
function storage(): Pick<Storage, 'getItem' | 'setItem'> | undefined {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage;
  } catch {
    return undefined;
  }
}

/** The transport that last worked against `baseUrl`, if recent. */
export function recallTransport(baseUrl: string): TransportName | undefined {
  let hit = memory.get(baseUrl);
  if (!hit) {
    try {
      const raw = storage()?.getItem(KEY + baseUrl);
      if (raw) hit = JSON.parse(raw) as { name: TransportName; at: number };
    } catch {
      hit = undefined;
    }
  }
  if (!hit || Date.now() - hit.at > REMEMBER_MS) return undefined;
  return hit.name === 'ws' || hit.name === 'sse' || hit.name === 'poll' ? hit.name : undefined;
}

/** Notes that `name` worked against `baseUrl`. */
export function rememberTransport(baseUrl: string, name: TransportName): void {
  const hit = { name, at: Date.now() };
  memory.set(baseUrl, hit);
  try {
    storage()?.setItem(KEY + baseUrl, JSON.stringify(hit));
  } catch {
    // Storage full or forbidden: memory is enough for this page.
  }
}
