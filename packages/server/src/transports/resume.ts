import { errors } from '../util/errors.js';

/** Parses a resume point (`after`, `Last-Event-ID`); undefined means "from now on". */
export function resumePoint(value: string | null | undefined): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (!/^[0-9]{1,15}$/.test(value)) throw errors.invalid('after must be a sequence number');
  return Number(value);
}
