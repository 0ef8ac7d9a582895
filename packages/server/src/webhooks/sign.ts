// The signature of a webhook delivery (docs/INTEGRATION.md shows a receiver checking it).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the signature. */
export const SIGNATURE_HEADER = 'X-Livecomments-Signature';

/** `t=<epoch ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the time is signed, so an old delivery cannot be replayed later. */
export function signature(secret: string, body: string, t: number): string {
  return `t=${t},v1=${hmac(secret, `${t}.${body}`)}`;
}

/**
 * Whether a header signs this body with this secret, at most `toleranceMs` from `now` (what a
 * receiver does; the tests use it). Compares in constant time.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  now = Date.now(),
  toleranceMs = 5 * 60_000,
): boolean {
  const parts = new Map(header.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isSafeInteger(t) || Math.abs(now - t) > toleranceMs || !/^[0-9a-f]{64}$/.test(v1)) return false;
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(hmac(secret, `${t}.${body}`), 'hex'));
}

function hmac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}
