import { errors } from '../util/errors.js';

/** An epoch as clients send it back: what the server hands out, no more (fixed bound, no backtracking). */
const EPOCH = /^[0-9A-Za-z_-]{1,32}$/;

/** Parses a resume point (`after`, `Last-Event-ID`); undefined means "from now on". */
export function resumePoint(value: string | null | undefined): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!/^[0-9]{1,15}$/.test(value)) throw errors.invalid('after must be a sequence number');
  return Number(value);
}

/** Parses the epoch a resume point belongs to (`epoch=`); undefined when the client sent none. */
export function resumeEpoch(value: string | null | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!EPOCH.test(value)) throw errors.invalid('epoch must be the epoch the server sent');
  return value;
}
