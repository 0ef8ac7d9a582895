// Reading an answer from a server we call (the classifier hook, the app's proxy) with a size cap
// that holds whatever the server says: a chunked body has no length up front, so counting the
// bytes as they arrive is the only check, and the read stops at the cap instead of after it.

/** A body longer than its cap: the read stopped there and the stream was cancelled. */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
  constructor(readonly maxBytes: number) {
    super(`the answer is longer than ${maxBytes} bytes`);
  }
}

/**
 * The body of a fetch response as UTF-8 text, at most `maxBytes`: a Content-Length above the cap
 * is refused before reading, and a body without one (chunked) is counted chunk by chunk; past
 * the cap the stream is cancelled (undici then closes the connection) and `BodyTooLarge` thrown,
 * so no more than the cap plus one chunk is ever held.
 */
export async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new BodyTooLarge(maxBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new BodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}
