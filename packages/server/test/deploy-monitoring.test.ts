// deploy/grafana and deploy/prometheus: valid JSON and YAML, every expression valid PromQL (the
// Prometheus project's own grammar) naming only metrics, and label names, that a running node
// exports on /metrics.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { createEvent, post, startNodeWithUsers, type TestNode, type TestUser, WsViewer, waitFor } from './support.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy', 'grafana', 'livecomments.json'), 'utf8'));
const rules = parse(readFileSync(join(ROOT, 'deploy', 'prometheus', 'alerts.yaml'), 'utf8'));
/** Labels Prometheus adds to every scraped series, and its own `up` series. */
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod']);
const PROMETHEUS_OWN = new Map([['up', new Set<string>()]]);
/** Metrics with labelled samples in the scrape: a labelled counter shows its labels once counted. */
const sampled = new Set<string>();

const dashboardExprs: string[] = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
const alertRules: { alert: string; expr: string }[] = rules.groups.flatMap((g: any) => g.rules);

/** Metric name -> label names, from a /metrics text (histograms as their _bucket, _sum, _count). */
function exported(text: string): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>(PROMETHEUS_OWN);
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, kind] = m as unknown as [string, string, string];
    const series =
      kind === 'histogram' || kind === 'summary' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
    for (const s of series) names.set(s, new Set(kind === 'histogram' && s.endsWith('_bucket') ? ['le'] : []));
  }
  for (const m of text.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/gm)) {
    sampled.add(m[1]!);
    const labels = names.get(m[1]!);
    for (const l of m[2]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels?.add(l[1]!);
  }
  return names;
}

/** Grafana's variables are not PromQL: give them a value. */
const promql = (expr: string) => expr.replaceAll('$__rate_interval', '5m');

/** The metrics and label matchers an expression names; throws on a syntax error. */
function selectors(expr: string): { metric: string; labels: string[] }[] {
  const source = promql(expr);
  const tree = parser.parse(source);
  const found: { metric: string; labels: string[] }[] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError) throw new Error(`syntax error at ${cursor.from} in: ${source}`);
    if (cursor.type.name === 'VectorSelector') {
      const node = cursor.node;
      const name = node.getChild('Identifier');
      const labels: string[] = [];
      node.toTree().iterate({
        enter(n) {
          if (n.type.name === 'LabelName') labels.push(source.slice(node.from + n.from, node.from + n.to));
        },
      });
      found.push({ metric: name ? source.slice(name.from, name.to) : '', labels });
    }
  } while (cursor.next());
  return found;
}

describe('dashboard and alert rules', () => {
  let node: TestNode;
  let metrics: Map<string, Set<string>>;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    const started = await startNodeWithUsers();
    node = started.node;
    alice = started.alice;
    bob = started.bob;
    // A comment delivered to a viewer, so the delivery figures have samples.
    const eventId = await createEvent(started.base, alice.token);
    const viewer = await WsViewer.open(started.base, eventId, 'after=0');
    assert.equal((await post(started.base, alice.token, eventId, 'hello')).status, 201);
    await waitFor(() => viewer.entries.length === 1, 'the comment at the viewer');
    await viewer.close();
    metrics = exported(await (await fetch(`${started.base}/metrics`)).text());
  });
  after(() => node.close());

  test('the node exports what the dashboard needs, with live values', async () => {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    assert.match(text, /^lc_delivery_latency_seconds_count 1$/m, 'one delivered comment');
    assert.match(text, /^lc_engine_up\{engine="store"\} 1$/m);
    assert.match(text, /^lc_engine_up\{engine="bus"\} 1$/m);
    assert.match(text, /^lc_held_comments 0$/m);
  });

  test('a held comment shows in the review queue depth', async () => {
    const eventId = await createEvent(node.url, alice.token, {
      moderation: { toxicityHold: 0.3, toxicityBlock: 0.99 },
    });
    const held = await post(node.url, bob.token, eventId, 'you suck');
    assert.equal(held.status, 202);
    assert.match(await (await fetch(`${node.url}/metrics`)).text(), /^lc_held_comments 1$/m);
  });

  test('the dashboard is valid JSON with a panel for each figure the operator watches', () => {
    const all = dashboardExprs.join('\n');
    for (const metric of [
      'lc_connections',
      'lc_comments_total',
      'lc_delivery_latency_seconds_bucket',
      'lc_flush_seconds_bucket',
      'lc_store_commit_seconds_bucket',
      'lc_slow_cutoffs_total',
      'lc_held_comments',
      'lc_webhook_queue',
    ]) {
      assert.ok(new RegExp(`\\b${metric}\\b`).test(all), `a panel shows ${metric}`);
    }
    const ids = dashboard.panels.map((p: any) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  });

  test('every expression is PromQL naming exported metrics and their labels', () => {
    const exprs = [...dashboardExprs, ...alertRules.map((r) => r.expr)];
    assert.ok(exprs.length > 20);
    for (const expr of exprs) {
      const used = selectors(expr);
      assert.ok(used.length > 0, `names a metric: ${expr}`);
      for (const { metric, labels } of used) {
        assert.ok(metrics.has(metric), `${metric} is exported (in: ${expr})`);
        if (!sampled.has(metric)) continue;
        for (const label of labels) {
          assert.ok(metrics.get(metric)!.has(label) || TARGET_LABELS.has(label), `${metric} has label ${label}`);
        }
      }
    }
    // The checks do catch a wrong name and a syntax error.
    assert.ok(!metrics.has('lc_comment_total'));
    assert.ok(metrics.get('lc_connections')!.has('transport') && !metrics.get('lc_connections')!.has('outcome'));
    assert.throws(() => selectors('sum(rate(lc_comments_total[5m])'), /syntax error/);
  });

  test('alerts for error rates, delivery p99, store or bus down and growing queues', () => {
    const names = alertRules.map((r) => r.alert);
    for (const alert of [
      'LivecommentsPostErrors',
      'LivecommentsDeliverySlow',
      'LivecommentsStoreDown',
      'LivecommentsBusDown',
      'LivecommentsHeldQueueGrowing',
      'LivecommentsWebhookBacklogGrowing',
    ]) {
      assert.ok(names.includes(alert), alert);
    }
    for (const rule of alertRules) assert.ok(rule.expr && (rule as any).annotations?.summary, rule.alert);
  });
});
