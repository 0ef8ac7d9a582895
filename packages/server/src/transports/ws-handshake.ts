import type { IncomingMessage } from 'node:http';

/** A Sec-WebSocket-Key: 16 bytes in base64 (RFC 6455 section 4.1); fixed length, no backtracking. */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * What is wrong with a WebSocket handshake, or null: the checks `ws` makes before it answers,
 * made first so a bad handshake is refused before any work (or a connection slot) is spent on it.
 */
export function handshakeProblem(req: IncomingMessage): string | null {
  if (req.method !== 'GET') return 'a WebSocket handshake must be a GET';
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') return 'the Upgrade header must be websocket';
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !KEY.test(key)) return 'missing or invalid Sec-WebSocket-Key';
  const version = req.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') return 'Sec-WebSocket-Version must be 13';
  return null;
}
