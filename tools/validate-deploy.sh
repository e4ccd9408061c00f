#!/usr/bin/env bash
# Checks the deployment files without a container engine or a cluster:
# docker-compose.yml through `docker compose config` (or docker-compose), deploy/k8s/*.yaml as YAML with the
# fields every Kubernetes object needs, and the kustomization's resource list against the files present; and that
# the Orleans silo and gateway ports (11111, 30000) are reachable from silo pods only: a NetworkPolicy admits them
# from the silos' own pods and nothing else, no Service exposes them, and compose publishes neither on the host.
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

# The Orleans ports: any Orleans client reaching them controls every twin (docs/SECURITY.md).
ORLEANS_PORTS = {11111, 30000, "silo", "gateway"}
docs = [d for p in sorted(root.glob("*.yaml")) for d in yaml.safe_load_all(p.read_text()) if d]
silo_labels = next(d["spec"]["template"]["metadata"]["labels"] for d in docs if d["kind"] == "Deployment")
def selects_silos(selector):
    labels = (selector or {}).get("matchLabels", {})
    return bool(labels) and all(silo_labels.get(k) == v for k, v in labels.items())
policies = [d for d in docs if d["kind"] == "NetworkPolicy" and selects_silos(d["spec"].get("podSelector"))
            and "Ingress" in d["spec"].get("policyTypes", ["Ingress"])]
if not policies:
    errors.append("deploy/k8s: no NetworkPolicy restricts ingress to the silo pods (Orleans ports 11111/30000 would be open to any pod)")
for policy in policies:
    for rule in policy["spec"].get("ingress", []):
        ports = {p.get("port") for p in rule.get("ports", [])}
        if rule.get("ports") and not ports & ORLEANS_PORTS:
            continue
        sources = rule.get("from")
        if not sources or any(set(s) != {"podSelector"} or not selects_silos(s["podSelector"]) for s in sources):
            errors.append(f"NetworkPolicy {policy['metadata']['name']}: a rule admits the Orleans ports ({sorted(map(str, ports)) or 'all ports'}) from other than the silo pods")
for service in (d for d in docs if d["kind"] == "Service"):
    for port in service["spec"].get("ports", []):
        if {port.get("port"), port.get("targetPort")} & ORLEANS_PORTS:
            errors.append(f"Service {service['metadata']['name']} exposes Orleans port {port.get('port')}")
compose = yaml.safe_load(pathlib.Path("docker-compose.yml").read_text())
for name, service in compose["services"].items():
    if service.get("network_mode") == "host":
        errors.append(f"docker-compose.yml: {name} runs on the host network (the Orleans ports with it)")
    for published in service.get("ports", []):
        container = str(published).split(":")[-1].split("/")[0]
        if container in {"11111", "30000"}:
            errors.append(f"docker-compose.yml: {name} publishes Orleans port {container} on the host")
if errors:
    print("\n".join(errors)); sys.exit(1)
print(f"Orleans ports 11111/30000: silo pods only ({len(policies)} NetworkPolicy), not published by compose")
PY

# Defaults an attacker knows: compose publishes the database, broker, Prometheus and Grafana on loopback only, and
# takes every credential from a variable without a default; no Kubernetes Secret ships with a value; no key in the
# compose file or the Prometheus configuration holds every scope or is written out.
python3 - <<'PY'
import pathlib, re, sys, yaml
errors = []
text = pathlib.Path("docker-compose.yml").read_text()
compose = yaml.safe_load(text)
for name in ("postgres", "rabbitmq", "prometheus", "grafana"):
    for published in compose["services"].get(name, {}).get("ports", []):
        if not str(published).startswith("127.0.0.1:"):
            errors.append(f"docker-compose.yml: {name} publishes {published} beyond loopback (127.0.0.1:host:container)")
secretish = re.compile(r"PASSWORD|PASS|SECRET|TOKEN|KEY", re.IGNORECASE)
for match in re.finditer(r"\$\{(\w+)(:?[-?])?", text):
    if secretish.search(match.group(1)) and match.group(2) != ":?":
        errors.append(f"docker-compose.yml: ${{{match.group(1)}}} must be required (${{{match.group(1)}:?set {match.group(1)}}}), not defaulted")
def environments():
    for name, service in compose["services"].items():
        environment = service.get("environment") or {}
        yield from ((name, k, str(v)) for k, v in (environment.items() if isinstance(environment, dict) else (e.split("=", 1) for e in environment)))
for service, key, value in environments():
    if secretish.search(key) and "${" not in value:
        errors.append(f"docker-compose.yml: {service} sets {key} to a written-out value")
    if key.startswith("Api__Keys__") and ":" not in value.split("}")[-1]:
        errors.append(f"docker-compose.yml: {service} {key} has every scope; name its scopes (key:read,command)")
    if key.startswith("ConnectionStrings__") and re.search(r"Password=(?!\$\{)|://[^:/]+:(?!\$\{)[^@]*@", value):
        errors.append(f"docker-compose.yml: {service} {key} writes out a password")
for path in sorted(pathlib.Path("deploy/k8s").glob("*.yaml")):
    for doc in yaml.safe_load_all(path.read_text()):
        if doc and doc.get("kind") == "Secret" and (doc.get("data") or doc.get("stringData")):
            errors.append(f"{path}: a Secret with values ships with the manifests; the operator creates it")
for job in yaml.safe_load(pathlib.Path("deploy/prometheus/prometheus.yml").read_text())["scrape_configs"]:
    if "credentials" in job.get("authorization", {}):
        errors.append(f"deploy/prometheus/prometheus.yml: job {job['job_name']} writes its key out; use credentials_file")
if errors:
    print("\n".join(errors)); sys.exit(1)
print("defaults: database, broker, Prometheus and Grafana on loopback; credentials required, none shipped; no all-scope key")
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
