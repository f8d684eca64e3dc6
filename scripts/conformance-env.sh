#!/usr/bin/env bash
# Makes the virtualenv of the AWS-protocol conformance suite (Tests/Conformance): boto3 and the AWS CLI from
# PyPI, pinned, so the suite drives iaasd's HTTP listener with the clients people use. Idempotent: a venv
# that already holds the pinned versions is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${IAAS_CONFORMANCE_VENV:-.build/conformance-venv}"
requirements="Tests/Conformance/requirements.txt"
stamp="$venv/.requirements"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$requirements" "$stamp"; then
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
cp "$requirements" "$stamp"
echo "conformance venv ready: $venv" >&2
