#!/usr/bin/env bash
# Checks the deployment files without a container engine or a cluster:
# docker-compose.yml through `docker compose config` (or docker-compose), deploy/k8s/*.yaml as YAML with the
# fields every Kubernetes object needs, and the kustomization's resource list against the files present.
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then docker compose config -q && echo "docker-compose.yml: ok (docker compose config)"
elif command -v docker-compose >/dev/null 2>&1; then docker-compose config -q && echo "docker-compose.yml: ok (docker-compose config)"
else echo "docker-compose.yml: skipped (no docker compose; apt-get install docker-compose)"; fi

python3 - <<'PY'
import pathlib, sys, yaml
root = pathlib.Path("deploy/k8s")
errors = []
kustomization = yaml.safe_load((root / "kustomization.yaml").read_text())
for resource in kustomization["resources"]:
    if not (root / resource).exists():
        errors.append(f"kustomization lists {resource}, which does not exist")
for path in sorted(root.glob("*.yaml")):
    for doc in yaml.safe_load_all(path.read_text()):
        for field in ("apiVersion", "kind"):
            if field not in doc:
                errors.append(f"{path}: missing {field}")
        if doc.get("kind") != "Kustomization" and "name" not in doc.get("metadata", {}):
            errors.append(f"{path}: missing metadata.name")
        if doc.get("kind") == "Deployment":
            spec = doc["spec"]
            labels = spec["template"]["metadata"]["labels"]
            if any(labels.get(k) != v for k, v in spec["selector"]["matchLabels"].items()):
                errors.append(f"{path}: selector does not match the pod labels")
    print(f"{path}: ok")
if errors:
    print("\n".join(errors)); sys.exit(1)
PY

# Prometheus and Grafana (compose): the files parse, the scrape job names the silos, every dashboard panel queries
# something (that its metrics exist is checked by tests/FleetTwins.Host.Tests/Operations/TelemetryTests).
python3 - <<'PY'
import json, pathlib, sys, yaml
prometheus = yaml.safe_load(pathlib.Path("deploy/prometheus/prometheus.yml").read_text())
targets = [t for job in prometheus["scrape_configs"] for c in job["static_configs"] for t in c["targets"]]
assert targets and all(t.endswith(":5080") for t in targets), targets
for path in pathlib.Path("deploy/grafana/provisioning").rglob("*.yml"):
    yaml.safe_load(path.read_text())
dashboard = json.loads(pathlib.Path("deploy/grafana/dashboards/fleettwins.json").read_text())
panels = [p for p in dashboard["panels"] if p["type"] != "row"]
assert panels and all(t["expr"] for p in panels for t in p["targets"]), "a panel without a query"
print(f"deploy/prometheus, deploy/grafana: ok ({len(panels)} panels)")
PY
