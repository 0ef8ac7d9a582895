// deploy/kubernetes: every manifest checked against the Kubernetes API schemas (the validators of
// kubernetes-models, plus TypeScript's excess-property check against the same types, which the
// validators leave out: the API server refuses unknown fields), then wired as the server needs.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../src/config/config.js';
import { startNode, type TestNode } from './support.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DIR = join(ROOT, 'deploy', 'kubernetes');

interface Manifest {
  file: string;
  doc: any;
}

const manifests: Manifest[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
      return { file, doc: d.toJS() };
    }),
  );

/** The kubernetes-models module of a manifest: `apps/v1` + `Deployment`, `v1` + `Service`. */
const modelPath = (doc: any) => `kubernetes-models/${doc.apiVersion}/${doc.kind}`;

async function validate(doc: any): Promise<void> {
  const module = await import(modelPath(doc));
  new module[doc.kind](doc).validate();
}

const one = (kind: string) => {
  const found = manifests.filter((m) => m.doc.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0]!.doc;
};

describe('Kubernetes manifests', () => {
  test('every manifest passes the API schema of its kind', async () => {
    const kinds = manifests.map((m) => m.doc.kind).sort();
    assert.deepEqual(kinds, ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service']);
    for (const { file, doc } of manifests) await validate(doc).catch((e) => assert.fail(`${file} ${doc.kind}: ${e}`));
    // The validator does refuse a malformed manifest.
    const broken = structuredClone(one('Deployment'));
    broken.spec.replicas = 'three';
    await assert.rejects(validate(broken), /replicas must be integer/);
  });

  test('no field the API does not know (excess-property check against the same types)', () => {
    const cache = join(ROOT, 'node_modules', '.cache', `lc-k8s-${process.pid}`);
    mkdirSync(cache, { recursive: true });
    try {
      const source = (docs: Manifest[]) =>
        docs
          .map(({ doc }, i) => {
            const type = `import('${modelPath(doc)}').I${doc.kind}`;
            return `export const m${i}: ${type} = ${JSON.stringify(doc)};`;
          })
          .join('\n');
      const check = (text: string) => {
        const file = join(cache, 'check.mts');
        writeFileSync(file, text);
        const program = ts.createProgram([file], {
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
          noLib: false,
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.NodeNext,
          moduleResolution: ts.ModuleResolutionKind.NodeNext,
        });
        return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      };
      assert.deepEqual(check(source(manifests)), []);
      // A misspelt field is found.
      const typo = structuredClone(manifests.find((m) => m.doc.kind === 'Deployment')!);
      typo.doc.spec.template.spec.containers[0].readinesProbe =
        typo.doc.spec.template.spec.containers[0].readinessProbe;
      assert.match(check(source([typo])).join('\n'), /readinesProbe/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  describe('wired as the server needs', () => {
    let node: TestNode;
    before(async () => {
      node = await startNode();
    });
    after(() => node.close());

    test('probes on routes the server answers; the drain fits in the grace period', async () => {
      const pod = one('Deployment').spec.template.spec;
      const container = pod.containers[0];
      const port = container.ports.find((p: any) => p.name === container.readinessProbe.httpGet.port).containerPort;
      const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
      assert.equal(Number(env.PORT), port);
      // The server's own parser accepts the settings (the Secret's keys are given stand-ins).
      const config = loadConfig({ ...env, LC_JWT_SECRET: 'x'.repeat(40) });
      assert.equal(container.readinessProbe.httpGet.path, '/ready');
      for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
        const res = await fetch(`${node.url}${probe.httpGet.path}`);
        assert.equal(res.status, 200, `${probe.httpGet.path} answers on a healthy node`);
      }
      const [cmd, seconds] = container.lifecycle.preStop.exec.command;
      assert.equal(cmd, 'sleep');
      assert.ok(
        pod.terminationGracePeriodSeconds * 1000 >= Number(seconds) * 1000 + config.drainMs + 2000,
        'preStop + LC_DRAIN_MS end before the kubelet kills',
      );
      assert.equal(pod.securityContext.runAsUser, 10001, "the image's user");
      assert.ok(container.resources.requests.cpu && container.resources.requests.memory);
    });

    test('Service, PodDisruptionBudget and autoscaler select the Deployment; the custom metric is exported', async () => {
      const deployment = one('Deployment');
      const labels = deployment.spec.template.metadata.labels;
      const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
      assert.ok(matches(one('Service').spec.selector));
      assert.ok(matches(one('PodDisruptionBudget').spec.selector.matchLabels));
      const hpa = one('HorizontalPodAutoscaler');
      assert.deepEqual(hpa.spec.scaleTargetRef, {
        apiVersion: deployment.apiVersion,
        kind: deployment.kind,
        name: deployment.metadata.name,
      });
      const metric = hpa.spec.metrics.find((m: any) => m.type === 'Pods').pods;
      const rules = parse(one('ConfigMap').data['config.yaml']).rules;
      const rule = rules.find((r: any) => r.name.as === metric.metric.name);
      assert.ok(rule, 'the adapter serves the metric the autoscaler reads');
      const series = /^([a-z_]+)\{/.exec(rule.seriesQuery)![1]!;
      const exported = await (await fetch(`${node.url}/metrics`)).text();
      assert.match(exported, new RegExp(`^# TYPE ${series} gauge$`, 'm'), `${series} is a gauge the server exports`);
      assert.ok(hpa.spec.minReplicas >= 2, 'more than one pod');
      assert.ok(
        one('PodDisruptionBudget').spec.maxUnavailable < hpa.spec.minReplicas,
        'a disruption never takes every pod',
      );
    });

    test("the capacity table in docs/DEPLOYMENT.md follows from the autoscaler's target", () => {
      const target = Number(
        one('HorizontalPodAutoscaler').spec.metrics.find((m: any) => m.type === 'Pods').pods.target.averageValue,
      );
      const doc = readFileSync(join(ROOT, 'docs', 'DEPLOYMENT.md'), 'utf8');
      for (const viewers of [100_000, 1_000_000, 10_000_000]) {
        const row = doc.split('\n').find((l) => l.startsWith(`| ${viewers.toLocaleString('en-US')} `));
        assert.ok(row, `a row for ${viewers} viewers`);
        const cells = row.split('|').map((c) => c.trim());
        assert.equal(cells[2], Math.ceil(viewers / target).toLocaleString('en-US'), `${viewers}: pods at the target`);
      }
    });
  });
});
