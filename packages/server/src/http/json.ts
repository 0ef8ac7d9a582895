import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { errors } from '../util/errors.js';

/**
 * The JSON body parser: refuses bytes that are not UTF-8 (instead of turning them into U+FFFD)
 * and anything that is not a JSON object, with a clear 400.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, function parseJson(_request, body, done) {
    const bytes = body as Buffer;
    if (bytes.length === 0) return done(null, undefined);
    if (!isUtf8(bytes)) return done(errors.invalid('the body is not valid UTF-8'), undefined);
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
