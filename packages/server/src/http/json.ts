import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { errors } from '../util/errors.js';

/** Deepest nesting of objects and arrays a body may have (settings need 3). */
export const MAX_JSON_DEPTH = 32;

/**
 * The JSON body parser: refuses bytes that are not UTF-8 (instead of turning them into U+FFFD),
 * nesting deeper than `MAX_JSON_DEPTH` (a deep body overflows the stack of whatever walks it
 * recursively: validation, cloning, logging) and anything that is not a JSON object, with a
 * clear 400.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, function parseJson(_request, body, done) {
    // parseAs: 'buffer' gives a Buffer; fastify's parser type does not follow that option.
    const bytes = body as Buffer;
    if (bytes.length === 0) return done(null, undefined);
    if (!isUtf8(bytes)) return done(errors.invalid('the body is not valid UTF-8'), undefined);
    if (nestsDeeper(bytes, MAX_JSON_DEPTH)) {
      return done(errors.invalid(`the body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    }
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      return done(errors.invalid('the body is not valid JSON'), undefined);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return done(errors.invalid('the body must be a JSON object'), undefined);
    }
    done(null, value);
  });
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether JSON text nests objects and arrays deeper than `limit`: one pass over the bytes,
 * jumping over strings with `indexOf` (a comment's text is most of a body; UTF-8 continuation
 * bytes never look like ASCII brackets or quotes). It only counts; malformed text is left for
 * JSON.parse to refuse.
 */
export function nestsDeeper(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) i = stringEnd(bytes, i);
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** The index of the quote that closes the string opened at `open` (the end if none does). */
function stringEnd(bytes: Uint8Array, open: number): number {
  let at = open;
  for (;;) {
    at = bytes.indexOf(QUOTE, at + 1);
    if (at < 0) return bytes.length;
    let backslashes = 0;
    while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
