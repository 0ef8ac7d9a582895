// The webhooks of an event's settings: checked when set, and kept out of the moderation log.
import type { SettingsPatch } from '@livecomments/protocol';
import { errors } from '../util/errors.js';
import { eventWebhookRefusal } from './targets.js';

/** Refuses (`invalid_request`) a settings change whose webhooks point where events' may not. */
export function checkEventWebhooks(patch: SettingsPatch | undefined, allowPrivate: boolean): void {
  for (const [i, hook] of (patch?.webhooks ?? []).entries()) {
    const refusal = eventWebhookRefusal(hook.url, allowPrivate);
    if (refusal)
      throw errors.invalid(`settings.webhooks[${i}].url ${refusal}`, { field: `settings.webhooks.${i}.url` });
  }
}

/** The change as the moderation log keeps it: webhook secrets left out (moderators read the log). */
export function withoutWebhookSecrets<T extends { settings?: SettingsPatch }>(patch: T): T {
  if (!patch.settings?.webhooks) return patch;
  const webhooks = patch.settings.webhooks.map((h) => ({ url: h.url, secret: '[redacted]' }));
  return { ...patch, settings: { ...patch.settings, webhooks } };
}
