import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AppError, errors } from '../util/errors.js';
import { LogThrottle } from '../util/log-throttle.js';

/** Sends an AppError as `{"error": ...}` with its status (and Retry-After when it has one). */
export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  const retry = error.details.retryAfterMs;
  if (typeof retry === 'number') reply.header('retry-after', Math.max(1, Math.ceil(retry / 1000)));
  return reply.code(error.status).type('application/json; charset=utf-8').send(error.toBody());
}

/** Maps fastify's own errors (validation, body size, parsing) onto the catalogue. */
function fromFastify(error: FastifyError): AppError | null {
  if (error.validation) {
    const first = error.validation[0];
    const where = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : error.validationContext;
    const message = first ? `${where ? `${where} ` : ''}${first.message ?? 'is invalid'}` : error.message;
    return errors.invalid(message);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.tooLarge('the request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.invalid('the body must be JSON (Content-Type: application/json)');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.invalid('the JSON body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return errors.invalid('the Content-Length does not match the body');
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    if (error.statusCode === 413) return errors.tooLarge(error.message);
    if (error.statusCode === 404) return errors.notFound('resource');
    return errors.invalid(error.message);
  }
  return null;
}

/** Every failure becomes a catalogued JSON error; unexpected ones are logged, never shown. */
export function registerErrorHandling(app: FastifyInstance, onUnexpected: (error: unknown) => void): void {
  // A dependency outage fails every request: one line when it starts, then a count per minute.
  const failures = new LogThrottle(function requestsFailed(count, latest) {
    app.log.error({ ...latest, count }, count === 1 ? 'request failed' : 'requests failed (count in the last minute)');
  });
  app.setErrorHandler(function handleError(error: FastifyError | AppError, request, reply) {
    if (error instanceof AppError) return sendError(reply, error);
    const mapped = fromFastify(error as FastifyError);
    if (mapped) return sendError(reply, mapped);
    onUnexpected(error);
    failures.note({ err: error, reqId: request.id });
    return sendError(reply, errors.unavailable());
  });
  app.setNotFoundHandler(function handleNotFound(request, reply) {
    return sendError(reply, errors.notFound(`${request.method} ${request.url.split('?')[0]}`));
  });
}
