// One webhook POST over node:http(s): no redirects followed, a bounded wait, the answer's body
// read and dropped (at most a little of it kept for the dead-letter view).
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { publicOnlyLookup } from './targets.js';

/** How one attempt went: a status (2xx is delivered) or a network error. */
export type Attempt = { status: number } | { error: string };

/** Options of one POST. */
export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** Resolve names through `publicOnlyLookup` (events' own webhooks). */
  publicOnly: boolean;
  signal?: AbortSignal;
}

/** POSTs a JSON body; never throws. */
export function postWebhook(url: string, body: string, options: PostOptions): Promise<Attempt> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const requestOptions: RequestOptions = {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'livecomments-webhooks/1',
        ...options.headers,
      },
      timeout: options.timeoutMs,
      agent: false,
    };
    if (options.publicOnly) requestOptions.lookup = publicOnlyLookup as RequestOptions['lookup'];
    if (options.signal) requestOptions.signal = options.signal;
    const req = send(target, requestOptions, function answered(res) {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      res.on('error', (error) => resolve({ error: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end(body);
  });
}
