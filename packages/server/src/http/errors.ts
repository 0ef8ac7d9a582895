import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasToken } from '../auth/request.js';
import { AppError, errors } from '../util/errors.js';
import { LogLimit } from '../util/log-limit.js';
import { logRefusal, type SecurityEvents } from '../util/security-log.js';
import { callerOf } from './caller.js';

/**
 * An error as a whole HTTP/1.1 answer written on a raw socket (a refused WebSocket upgrade, a
 * request node refused before Fastify saw it), with the usual `{"error": ...}` body. `status`
 * overrides the code's own where HTTP has a more precise one (431, 408).
 */
export function writeRawError(socket: Duplex, error: AppError, status = error.status): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(error.toBody());
  const retry = error.details.retryAfterMs;
  // Closed once written: after a refusal nothing more is read from this connection.
  socket.once('finish', socket.destroy);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      (typeof retry === 'number' ? `Retry-After: ${Math.max(1, Math.ceil(retry / 1000))}\r\n` : '') +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/**
 * Node's `clientError` (a request refused before routing: headers too large, a malformed request,
 * a request that took too long to arrive), answered in the catalogue's shape.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    writeRawError(socket, errors.tooLarge('the request line or headers are too large'), 431);
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    writeRawError(socket, errors.invalid('the request took too long to arrive'), 408);
  } else {
    writeRawError(socket, errors.invalid('malformed HTTP request'));
  }
}

/**
 * Sends an AppError as `{"error": ...}` with its status (and Retry-After when it has one);
 * `status` overrides the code's own where HTTP has a more precise one (414).
 */
export function sendError(reply: FastifyReply, error: AppError, status = error.status): FastifyReply {
  const retry = error.details.retryAfterMs;
  if (typeof retry === 'number') reply.header('retry-after', Math.max(1, Math.ceil(retry / 1000)));
  return reply.code(status).type('application/json; charset=utf-8').send(error.toBody());
}

/** Fastify's routing errors (a bad URL encoding, an over-long path segment), in the catalogue's shape. */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') sendError(reply, errors.tooLarge('a path segment is too long'), 414);
  else sendError(reply, errors.invalid('the URL is not valid'));
}

/** Maps fastify's own errors (validation, body size, parsing) onto the catalogue. */
function fromFastify(error: FastifyError): AppError | null {
  if (error.validation) {
    const first = error.validation[0];
    const path = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : '';
    if (first?.keyword === 'additionalProperties') {
      // Name the unknown key, so `{"settings":{"subscribersOnly":true}}` says which one was refused.
      const key = String(first.params.additionalProperty).slice(0, 100);
      const field = path ? `${path}.${key}` : key;
      return errors.invalid(`unknown field ${JSON.stringify(field)}`, { field });
    }
    const where = path || error.validationContext;
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

/**
 * Every failure becomes a catalogued JSON error; unexpected ones are logged, never shown; refusals
 * that are security events (an invalid token, an origin or a ban refused, a rate limit, an
 * oversized body) go on the security channel.
 */
export function registerErrorHandling(
  app: FastifyInstance,
  onUnexpected: (error: unknown) => void,
  security?: SecurityEvents,
): void {
  // A dependency outage fails every request: one line when it starts, then a count per minute.
  const failures = new LogLimit(app.log, {
    intervalMs: 60_000,
    level: 'error',
    summarise: true,
    summaryMessage: 'requests failed (count in the last minute)',
  });
  const refused = (error: AppError, request: FastifyRequest) => {
    if (security) logRefusal(security, error, refusalFields(request));
  };
  app.setErrorHandler(function handleError(error: FastifyError | AppError, request, reply) {
    if (error instanceof AppError) {
      refused(error, request);
      return sendError(reply, error);
    }
    const mapped = fromFastify(error);
    if (mapped) {
      refused(mapped, request);
      return sendError(reply, mapped);
    }
    onUnexpected(error);
    failures.log('request', { err: error, reqId: request.id }, 'request failed');
    return sendError(reply, errors.unavailable());
  });
  app.setNotFoundHandler(function handleNotFound(request, reply) {
    return sendError(reply, errors.notFound(`${request.method} ${request.url.split('?')[0]}`));
  });
}

/** Where a refused request came from, for the security log: no URL, header or body. */
function refusalFields(request: FastifyRequest) {
  const route = request.routeOptions.url ?? '(no route)';
  const eventId = (request.params as { eventId?: unknown } | undefined)?.eventId;
  const userId = callerOf(request)?.id;
  return {
    address: request.ip,
    transport: route.endsWith('/stream')
      ? ('sse' as const)
      : route.endsWith('/poll')
        ? ('poll' as const)
        : ('http' as const),
    route,
    ...(typeof eventId === 'string' ? { eventId: eventId.slice(0, 64) } : {}),
    ...(userId ? { userId } : {}),
    tokenGiven: hasToken(request.raw),
  };
}
