#!/usr/bin/env bash
# Makes the virtualenv of the AWS-protocol conformance suite (Tests/Conformance): boto3 and the AWS CLI from
# PyPI, pinned, so the suite drives iaasd's HTTP listener with the clients people use. Idempotent: a venv
# that already holds the pinned versions is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${IAAS_CONFORMANCE_VENV:-.build/conformance-venv}"
# iaas-bench http makes its own venv from Benchmarks/requirements.txt (the same clients, and moto).
requirements="${IAAS_REQUIREMENTS:-Tests/Conformance/requirements.txt}"
# The last botocore whose SQS model is the query protocol (1.31 moved SQS to JSON): its model, in
# $venv/legacy-models, makes today's boto3 speak SQS as the SDKs of that age did (AWS_DATA_PATH).
legacy_botocore="1.29.165"
stamp="$venv/.requirements"
wanted="$(cat "$requirements" Tests/Conformance/requirements.txt; echo "legacy botocore $legacy_botocore")"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$wanted" = "$(cat "$stamp")" ]; then
    exit 0
fi

python=$(command -v python3 || true)
if [ -z "$python" ]; then
    echo "The conformance suite needs python3 (Debian: python3, python3-venv)." >&2
    exit 1
fi
if ! "$python" -m venv --help >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
    else
        echo "python3 has no venv module: install python3-venv." >&2
        exit 1
    fi
fi

rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$requirements"
wheels="$(mktemp -d)"
"$venv/bin/python" -m pip download --disable-pip-version-check --quiet --no-deps -d "$wheels" \
    "botocore==$legacy_botocore"
"$venv/bin/python" - "$wheels"/botocore-*.whl "$venv/legacy-models" "$legacy_botocore" <<'PYTHON'
import pathlib, sys, zipfile
wheel, target, version = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
model = target / "sqs/2012-11-05/service-2.json"
model.parent.mkdir(parents=True, exist_ok=True)
model.write_bytes(zipfile.ZipFile(wheel).read("botocore/data/sqs/2012-11-05/service-2.json"))
(target / "VERSION").write_text(version + "\n")
PYTHON
rm -rf "$wheels"
echo "$wanted" > "$stamp"
echo "conformance venv ready: $venv" >&2
