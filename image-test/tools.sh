#!/usr/bin/env bash
# Installs what `make image-test` needs when it is missing (root, Debian): podman, runc and
# debootstrap from Debian's archive (not when a Docker daemon answers), and podman-compose,
# pinned in image-test/requirements.txt, in a venv of its own in $IMAGE_TEST_STATE.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
IMAGE_TEST_STATE=${IMAGE_TEST_STATE:-/var/tmp/qarat-image-test}

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    docker compose version >/dev/null 2>&1 && exit 0
    echo "docker compose is missing: apt-get install docker-compose-v2 (or the compose plugin)" >&2
    exit 1
fi

missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} (apt)"
    apt-get update -qq
    # With podman's recommends: netavark and aardvark-dns give compose's network its names.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap >/dev/null
fi

venv=$IMAGE_TEST_STATE/venv
stamp=$venv/.installed-$(sha256sum "$here/requirements.txt" | cut -c1-16)
if [ ! -e "$stamp" ]; then
    echo "installing podman-compose in $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt" \
        2> >(grep -v "^WARNING: Location" >&2)
    touch "$stamp"
fi
