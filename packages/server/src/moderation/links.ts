/**
 * Links in a comment, judged by the event's link policy. Links to allow-listed domains (and
 * their subdomains) always pass. Bare domains (`example.com/x`) count as links, as do the usual
 * "dot com" spellings that spammers use to dodge link filters.
 */
import type { Policy, StageResult } from './policy.js';

const TLDS =
  'com|net|org|info|biz|io|ly|gg|tv|me|co|xyz|ru|de|uk|us|be|to|tk|ml|ga|cf|gq|top|site|online|live|link|click|shop|app|dev|fm|cc|in|br|fr|es|it|nl|pl|jp|cn|au|ca';
// Labels and spaces are bounded (a DNS label has at most 63 characters): unbounded, each start
// in "a-a-a-a..." or "a.b.a.b..." scanned to the end of the run, so the cost grew with the
// square of the length.
const LINK_RE = new RegExp(
  `(?:https?://|www\\.)[^\\s<>"']+|\\b(?:[a-z0-9-]{1,63}\\.){1,10}(?:${TLDS})\\b(?:[/?#][^\\s<>"']*)?|\\b[a-z0-9-]{1,63}\\s{0,3}(?:\\(|\\[)?\\s{0,3}dot\\s{0,3}(?:\\)|\\])?\\s{0,3}(?:${TLDS})\\b`,
  'giu',
);

/** Whether a text may hold a link at all: every form of `LINK_RE` needs a dot, `://` or "dot". */
function mayHaveLink(text: string): boolean {
  return text.includes('.') || text.includes('://') || /dot/i.test(text);
}

/** Host names of the links in a text (lower case, no `www.`); `*` for an obfuscated one. */
export function findLinks(text: string): string[] {
  const hosts: string[] = [];
  if (!mayHaveLink(text)) return hosts;
  for (const match of text.matchAll(LINK_RE)) {
    const url = match[0].toLowerCase();
    if (/\sdot\s|[([]\s*dot/.test(url) || /^[a-z0-9-]+dot/.test(url)) {
      hosts.push('*');
      continue;
    }
    const host = url
      .replace(/^https?:\/\//, '')
      .split(/[/?#:]/)[0]!
      .replace(/^www\./, '');
    hosts.push(host);
  }
  return hosts;
}

/**
 * The text without its links. The classifiers read this: links are the link policy's business,
 * and the spam model (trained on YouTube, where nearly every link is spam) would otherwise block
 * every link in an event that allows them.
 */
export function stripLinks(text: string): string {
  return mayHaveLink(text) ? text.replace(LINK_RE, ' ') : text;
}

/** True when `host` is one of `domains` or a subdomain of one. */
export function isAllowedHost(host: string, domains: readonly string[]): boolean {
  return domains.some((d) => {
    const domain = d.toLowerCase().replace(/^www\./, '');
    return host === domain || host.endsWith(`.${domain}`);
  });
}

/** Applies the link policy (`hosts`: the text's links when the caller found them already). */
export function checkLinks(text: string, policy: Policy, hosts = findLinks(text)): StageResult {
  if (hosts.length === 0) return { reasons: [], scores: { links: 0 } };
  const foreign = hosts.filter((h) => !isAllowedHost(h, policy.allowedDomains));
  const scores = { links: 1 };
  if (foreign.length === 0 || policy.links === 'allow') return { reasons: [], scores };
  return { verdict: policy.links, reasons: ['link'], scores };
}
