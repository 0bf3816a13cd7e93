#!/usr/bin/env bash
# Checks the deployment files offline, failing on any finding: the Dockerfile (hadolint), every
# YAML file (yamllint --strict), docker-compose.yml against the compose-spec schema and the
# Kubernetes manifests against Kubernetes' schemas (strict: unknown fields fail) of the oldest and
# newest versions we support. The tools live in .venv-deploy/, made from the pinned
# scripts/lint-deploy-requirements.txt on first use (and again when that file changes).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-deploy
REQUIREMENTS=scripts/lint-deploy-requirements.txt
K8S_VERSIONS=(1.29.0 1.37.0)
COMPOSE=docker-compose.yml
MANIFESTS=(deploy/k8s/configmap.yaml deploy/k8s/deployment.yaml deploy/k8s/service.yaml
  deploy/k8s/secret.example.yaml)

stamp="$(sha256sum "$REQUIREMENTS" | cut -c1-16)"
if [[ ! -x "$VENV/bin/python" || "$(cat "$VENV/.requirements" 2>/dev/null)" != "$stamp" ]]; then
  echo "== $VENV (from $REQUIREMENTS)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  echo "$stamp" >"$VENV/.requirements"
fi
export PATH="$PWD/$VENV/bin:$PATH"

failed=0
step() {
  echo "== $*"
  "$@" || failed=1
}

step hadolint Dockerfile
step yamllint --strict .yamllint.yaml "$COMPOSE" deploy/k8s/*.yaml
step check-jsonschema --builtin-schema vendor.compose-spec "$COMPOSE"
# Where Docker's compose plugin is installed, its own reading too (variables interpolated).
if docker compose version >/dev/null 2>&1; then
  step docker compose --env-file deploy/compose.env.example -f "$COMPOSE" config --quiet
fi
for version in "${K8S_VERSIONS[@]}"; do
  step kubernetes-validate --strict --quiet -k "$version" "${MANIFESTS[@]}"
done
# kustomization.yaml is kustomize's own kind, not a Kubernetes object: its resources must exist.
echo "== deploy/k8s/kustomization.yaml resources"
for resource in $(sed -n '/^resources:/,/^[a-z]/s/^  - //p' deploy/k8s/kustomization.yaml); do
  [[ -f "deploy/k8s/$resource" ]] || {
    echo "missing deploy/k8s/$resource"
    failed=1
  }
done
# Every manifest is checked above, the example Secret included.
for file in deploy/k8s/*.yaml; do
  [[ "$file" == deploy/k8s/kustomization.yaml || " ${MANIFESTS[*]} " == *" $file "* ]] || {
    echo "not validated: $file (add it to MANIFESTS)"
    failed=1
  }
done

if ((failed)); then
  echo "lint-deploy: FAILED"
  exit 1
fi
echo "lint-deploy: all checks passed"
