"""The Helm chart (deploy/helm/sk8) with every preset (deploy/presets/), rendered by
the real helm and every object checked by kubectl-validate against Kubernetes'
own schemas (embedded, Kubernetes 1.30) and the CRDs of the custom resources
(ServiceMonitor / PrometheusRule from prometheus-operator, SparkConnect from
kubeflow spark-operator, a Route schema for OpenShift). Also `helm lint --strict`,
values the schema must reject, the SparkConnect example and the Dockerfile lint."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "sk8"
PRESETS = sorted(p.stem for p in (REPO / "deploy" / "presets").glob("*.yaml"))
KUBE_VERSION = "1.30.0"  # the newest schema kubectl-validate embeds; the chart needs >= 1.27
HERE = Path(__file__).resolve().parent

# Every optional part of the chart switched on at once.
EVERYTHING = HERE / "values" / "everything.yaml"


def run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def helm_template(tools: Path, *values: Path) -> subprocess.CompletedProcess:
    args = [tools / "bin" / "helm", "template", "sk8", CHART, "--namespace", "analytics", "--kube-version",
            KUBE_VERSION]
    for v in values:
        args += ["-f", v]
    return run(args)


@pytest.fixture(scope="session")
def crds(tools, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("crds")
    for crd in [*(tools / "crds").glob("*.yaml"), *(HERE / "crds").glob("*.yaml")]:
        shutil.copy(crd, out / crd.name)
    return out


@pytest.fixture(scope="session")
def rendered(tools, tmp_path_factory) -> dict[str, Path]:
    """Each preset (and the defaults, and everything on) rendered to one file."""
    out = tmp_path_factory.mktemp("rendered")
    cases = {"defaults": [], "everything": [EVERYTHING]}
    cases.update({p: [REPO / "deploy" / "presets" / f"{p}.yaml"] for p in PRESETS})
    files = {}
    for name, values in cases.items():
        result = helm_template(tools, *values)
        assert result.returncode == 0, f"helm template with {name} failed:\n{result.stderr}"
        files[name] = out / f"{name}.yaml"
        files[name].write_text(result.stdout)
    return files


def kubectl_validate(tools: Path, crds: Path, *paths: Path) -> dict[str, dict]:
    """kubectl-validate's JSON report: {file: {object: error or None}}; one run
    for many files (its start-up loads the schemas)."""
    result = run([tools / "bin" / "kubectl-validate", *paths, "--version", KUBE_VERSION.rsplit(".", 1)[0], "--local-crds", crds,
                  "--output", "json"])
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"kubectl-validate gave no JSON (rc {result.returncode}):\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="session")
def validation(tools, crds, rendered) -> dict[str, dict]:
    report = kubectl_validate(tools, crds, *rendered.values())
    return {name: report[str(path)] for name, path in rendered.items()}


def objects(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def errors_of(report) -> list[str]:
    """The failures in one file's report (a list of per-object results in
    kubectl-validate's JSON output, or a single error)."""
    items = report if isinstance(report, list) else [report]
    return [json.dumps(i) for i in items if i and (not isinstance(i, dict) or i.get("status") != "Success")]


@pytest.mark.parametrize("case", ["defaults", "everything", *PRESETS])
def test_preset_renders_and_every_object_validates(case, rendered, validation):
    docs = objects(rendered[case])
    kinds = {d["kind"] for d in docs}
    assert {"Deployment", "Service", "ServiceAccount"} <= kinds, kinds
    assert errors_of(validation[case]) == [], f"{case}: kubectl-validate rejected objects"


def test_everything_renders_every_object_kind(rendered):
    kinds = sorted({d["kind"] for d in objects(rendered["everything"])})
    assert kinds == sorted(["Deployment", "Service", "ServiceAccount", "Secret", "Ingress", "Route", "ServiceMonitor",
                            "PrometheusRule", "NetworkPolicy", "PodDisruptionBudget", "HorizontalPodAutoscaler",
                            "Role", "RoleBinding"])


def server_pod(path: Path) -> dict:
    deployment = next(d for d in objects(path) if d["kind"] == "Deployment"
                      and d["metadata"]["labels"]["app.kubernetes.io/component"] == "server")
    return deployment["spec"]["template"]["spec"]


def test_security_context_is_restricted_and_openshift_gets_no_fixed_ids(rendered):
    for case in ["defaults", "openshift"]:
        pod = server_pod(rendered[case])
        container = pod["containers"][0]["securityContext"]
        assert container["allowPrivilegeEscalation"] is False and container["capabilities"]["drop"] == ["ALL"]
        assert container["runAsNonRoot"] and container["seccompProfile"]["type"] == "RuntimeDefault"
    assert server_pod(rendered["defaults"])["securityContext"]["runAsUser"] == 10001
    assert "runAsUser" not in server_pod(rendered["openshift"])["securityContext"]
    assert "fsGroup" not in server_pod(rendered["openshift"])["securityContext"]


def test_prod_is_highly_available(rendered):
    docs = objects(rendered["prod"])
    kinds = {d["kind"] for d in docs}
    assert {"PodDisruptionBudget", "HorizontalPodAutoscaler", "ServiceMonitor", "PrometheusRule"} <= kinds
    pod = server_pod(rendered["prod"])
    assert pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    rules = next(d for d in docs if d["kind"] == "PrometheusRule")["spec"]["groups"][0]["rules"]
    assert all(r["annotations"]["runbook_url"].startswith("docs/runbooks/") for r in rules)
    for rule in rules:
        assert (REPO / rule["annotations"]["runbook_url"]).is_file(), rule["annotations"]["runbook_url"]


def test_cloud_presets_set_identity(rendered):
    annotations = {case: next(d for d in objects(rendered[case]) if d["kind"] == "ServiceAccount")["metadata"]
                   .get("annotations", {}) for case in ["eks", "gke", "aks"]}
    assert "eks.amazonaws.com/role-arn" in annotations["eks"]
    assert "iam.gke.io/gcp-service-account" in annotations["gke"]
    assert "azure.workload.identity/client-id" in annotations["aks"]
    labels = next(d for d in objects(rendered["aks"]) if d["kind"] == "Deployment")["spec"]["template"]["metadata"]
    assert labels["labels"]["azure.workload.identity/use"] == "true"


def test_server_args_carry_the_settings(rendered):
    args = server_pod(rendered["everything"])["containers"][0]["args"]
    confs = {args[i + 1].split("=", 1)[0]: args[i + 1].split("=", 1)[1] for i, a in enumerate(args) if a == "--conf"}
    assert confs["sk8.memory.limit"] == "3g"
    assert confs["sk8.upstream.url"] == "sc://sk8-upstream:15002"
    assert confs["spark.eventLog.enabled"] == "true"
    assert confs["spark.hadoop.fs.s3a.endpoint"] == "http://minio.data.svc:9000"
    assert confs["sk8.metrics.port"] == "4040"
    assert confs["sk8.otel.endpoint"] == "http://otel-collector.observability:4318"


@pytest.mark.parametrize("case", ["defaults", *PRESETS])
def test_helm_lint_strict(case, tools):
    values = [] if case == "defaults" else ["-f", REPO / "deploy" / "presets" / f"{case}.yaml"]
    result = run([tools / "bin" / "helm", "lint", "--strict", CHART, *values])
    assert result.returncode == 0, result.stdout + result.stderr


BAD_VALUES = {
    "typo at the top": ("replicaCont: 2\n", "additional properties 'replicaCont' not allowed"),
    "nested typo": ("server:\n  memoryBuget: 3g\n", "at '/server': additional properties 'memoryBuget'"),
    "wrong type": ("replicaCount: two\n", "at '/replicaCount': got string, want integer"),
    "wrong enum": ("podAntiAffinity: sometimes\n", "at '/podAntiAffinity': value must be one of"),
    "bad quantity": ("resources:\n  limits:\n    memory: lots\n", "at '/resources/limits/memory'"),
    "bad upstream url": ("upstream:\n  url: http://spark:15002\n", "at '/upstream/url'"),
    "port out of range": ("server:\n  port: 70000\n", "at '/server/port'"),
}


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_bad_values_are_rejected_with_a_clear_message(case, tools, tmp_path):
    text, message = BAD_VALUES[case]
    values = tmp_path / "values.yaml"
    values.write_text(text)
    result = helm_template(tools, values)
    assert result.returncode != 0
    assert "values don't meet the specifications of the schema" in result.stderr
    assert message in result.stderr, result.stderr


def test_autoscaling_without_a_target_fails_clearly(tools, tmp_path):
    values = tmp_path / "values.yaml"
    values.write_text("autoscaling:\n  enabled: true\n  targetCPUUtilizationPercentage: 0\n")
    result = helm_template(tools, values)
    assert result.returncode != 0 and "autoscaling.enabled needs" in result.stderr, result.stderr


# sk8 as a SparkConnect server, and real Spark as sk8's upstream (docs/scale-out.md).
@pytest.mark.parametrize("name", ["sparkconnect.yaml", "spark-connect-upstream.yaml"])
def test_sparkconnect_example_validates_against_the_crd(tools, crds, tmp_path, name):
    example = REPO / "deploy" / "examples" / name
    report = kubectl_validate(tools, crds, example)
    assert errors_of(report[str(example)]) == []
    # The CRD's schema is really applied: a wrong type is rejected.
    bad = tmp_path / "bad-sparkconnect.yaml"
    doc = yaml.safe_load(example.read_text())
    doc["spec"]["executor"]["instances"] = "two"
    bad.write_text(yaml.safe_dump(doc))
    assert errors_of(kubectl_validate(tools, crds, bad)[str(bad)]) != []


def test_dockerfile_lint(tools):
    result = run([tools / "bin" / "hadolint", REPO / "deploy" / "docker" / "Dockerfile"])
    assert result.returncode == 0, result.stdout + result.stderr
