import type { LiveEvent } from '@livecomments/protocol';
import { startTestServer, type TestServer } from '@livecomments/server/testing';

export type { TestServer } from '@livecomments/server/testing';

/** Starts a node on a free port with a fresh data folder. */
export function startServer(): Promise<TestServer> {
  return startTestServer({ presenceMs: 200 });
}

/** A development token for `name`. */
export async function token(baseUrl: string, name: string, role = 'viewer'): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/dev/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, role }),
  });
  return ((await res.json()) as { token: string }).token;
}

/** Creates an event owned by the holder of `bearer`. */
export async function createEvent(baseUrl: string, bearer: string, settings = {}): Promise<LiveEvent> {
  const res = await fetch(`${baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ title: 'Test event', settings }),
  });
  return (await res.json()) as LiveEvent;
}

/** Posts a comment over REST. */
export async function postComment(baseUrl: string, bearer: string, eventId: string, text: string): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/events/${eventId}/comments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ text, clientId: `${Date.now()}-${Math.random()}` }),
  });
  if (!res.ok) throw new Error(`post failed: ${res.status} ${await res.text()}`);
}

/** Resolves when `check` holds, polling; rejects after `ms`. */
export async function until(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
