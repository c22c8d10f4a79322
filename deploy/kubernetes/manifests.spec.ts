// The Kubernetes manifests, checked as `kubectl apply` would need them: every document is valid against the schema
// of its kind (kubernetes-models: the Kubernetes OpenAPI definitions compiled into validators), and the deployment
// keeps the promises the README makes (3 replicas, probes on /health, a grace period longer than the handoff, the
// secrets from the Secret, a Service and a PodDisruptionBudget that select the pods).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Model {
  validate(): void;
}

const DIRECTORY = __dirname;

/** The model class of each kind we ship, from kubernetes-models (ES modules, loaded as Baileys is). */
async function modelOf(manifest: Manifest): Promise<new (data: Manifest) => Model> {
  const group = manifest.apiVersion.includes('/') ? manifest.apiVersion : `core/${manifest.apiVersion}`;
  const [apiGroup, version] = group.split('/');
  const modulePath = `kubernetes-models/${apiGroup === 'core' ? '' : `${apiGroup}/`}${version}/${manifest.kind}`;
  const loaded = (await import(modulePath)) as Record<string, new (data: Manifest) => Model>;
  return loaded[manifest.kind];
}

function manifests(): { file: string; manifest: Manifest }[] {
  return readdirSync(DIRECTORY)
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .flatMap((file) =>
      parseAllDocuments(readFileSync(path.join(DIRECTORY, file), 'utf8')).map((document) => {
        if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
        return { file, manifest: document.toJS() as Manifest };
      }),
    );
}

function only(kind: string): Manifest {
  const found = manifests().filter(({ manifest }) => manifest.kind === kind);
  expect(found).toHaveLength(1);
  return found[0].manifest;
}

describe('deploy/kubernetes', () => {
  it('lists every manifest in its kustomization', () => {
    const kustomization = parseAllDocuments(
      readFileSync(path.join(DIRECTORY, 'kustomization.yaml'), 'utf8'),
    )[0].toJS() as {
      resources: string[];
    };
    const files = [...new Set(manifests().map(({ file }) => file))];
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it.each(manifests().map(({ file, manifest }) => [`${file}: ${manifest.kind} ${manifest.metadata.name}`, manifest]))(
    '%s is valid against the Kubernetes schema of its kind',
    async (_name, manifest) => {
      const Model = await modelOf(manifest);
      expect(Model).toBeDefined();
      expect(() => new Model(manifest).validate()).not.toThrow();
    },
  );

  it('tells an invalid manifest apart (the check can fail)', async () => {
    const deployment = structuredClone(only('Deployment')) as Manifest & { spec: { replicas: unknown } };
    deployment.spec.replicas = 'three';
    const Model = await modelOf(deployment);
    expect(() => new Model(deployment).validate()).toThrow(/replicas/);
  });

  it('runs 3 replicas probed on /health, with a grace period longer than the session handoff', () => {
    const deployment = only('Deployment') as Manifest & {
      spec: {
        replicas: number;
        selector: { matchLabels: Record<string, string> };
        template: {
          metadata: { labels: Record<string, string> };
          spec: {
            terminationGracePeriodSeconds: number;
            containers: {
              env: { name: string; value?: string }[];
              envFrom: { secretRef?: { name: string } }[];
              readinessProbe: { httpGet: { path: string } };
              livenessProbe: { httpGet: { path: string } };
            }[];
          };
        };
      };
    };
    const { spec } = deployment;
    expect(spec.replicas).toBe(3);
    const [container] = spec.template.spec.containers;
    expect(container.readinessProbe.httpGet.path).toBe('/health');
    expect(container.livenessProbe.httpGet.path).toBe('/health');
    const handoff = Number(container.env.find(({ name }) => name === 'SHUTDOWN_HANDOFF_SECONDS')?.value ?? 20);
    // The process ends itself at SHUTDOWN_HANDOFF_SECONDS + 40 s (main.ts); Kubernetes must not kill it before.
    expect(spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(handoff + 40);
    const secret = only('Secret');
    expect(container.envFrom.map(({ secretRef }) => secretRef?.name)).toContain(secret.metadata.name);
    expect(Object.keys((secret as Manifest & { stringData: object }).stringData).sort()).toEqual([
      'DATABASE_URL',
      'JWT_SECRET',
      'SECRETS_KEY',
    ]);
    // The Service and the PodDisruptionBudget select these pods.
    const podLabels = spec.template.metadata.labels;
    expect(podLabels).toMatchObject(spec.selector.matchLabels);
    expect(podLabels).toMatchObject((only('Service') as Manifest & { spec: { selector: object } }).spec.selector);
    const budget = only('PodDisruptionBudget') as Manifest & { spec: { selector: { matchLabels: object } } };
    expect(podLabels).toMatchObject(budget.spec.selector.matchLabels);
  });
});
