// Validates every document of the manifests in a directory against the Kubernetes OpenAPI schemas, as compiled
// into kubernetes-models: types, required fields and formats (the schemas allow unknown fields, so a misspelt
// optional field is not caught here; KubernetesManifestsTest checks the fields jitmask depends on).
// Usage: node check.mjs <dir>   Exit 0 when every document is valid, 1 otherwise.
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

const MODELS = {
  "v1/Namespace": "kubernetes-models/v1/Namespace",
  "v1/ServiceAccount": "kubernetes-models/v1/ServiceAccount",
  "v1/ConfigMap": "kubernetes-models/v1/ConfigMap",
  "v1/Secret": "kubernetes-models/v1/Secret",
  "v1/Service": "kubernetes-models/v1/Service",
  "apps/v1/Deployment": "kubernetes-models/apps/v1/Deployment",
  "networking.k8s.io/v1/NetworkPolicy": "kubernetes-models/networking.k8s.io/v1/NetworkPolicy",
  "policy/v1/PodDisruptionBudget": "kubernetes-models/policy/v1/PodDisruptionBudget",
};

async function validate(doc) {
  const module = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!module) {
    throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  }
  const Model = (await import(module))[doc.kind];
  new Model(doc).validate();
}

// The check must be able to fail: a Deployment with a string for replicas and no containers is refused.
try {
  await validate({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "broken" },
    spec: { replicas: "two", selector: {}, template: { spec: {} } } });
  console.error("self-check failed: an invalid Deployment was accepted");
  process.exit(2);
} catch (e) {
  console.log("self-check: invalid Deployment refused");
}

const dir = process.argv[2] ?? "..";
let failures = 0;
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml").sort()) {
  for (const doc of yaml.loadAll(fs.readFileSync(path.join(dir, file), "utf8"))) {
    try {
      await validate(doc);
      console.log(`ok ${file} ${doc.kind}/${doc.metadata.name}`);
    } catch (e) {
      failures++;
      console.log(`INVALID ${file} ${doc.kind}: ${e.message}`);
    }
  }
}
process.exit(failures === 0 ? 0 : 1);
