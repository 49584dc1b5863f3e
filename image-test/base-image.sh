#!/usr/bin/env bash
# Makes python:3.12-slim, postgres:17 and redis:7 available to the engine. The real images
# are pulled when a registry answers; otherwise stand-ins are built: a Debian 13 (trixie)
# minbase made with debootstrap (what python:3.12-slim is built on; its Python is 3.13)
# with a venv at /opt/venv first on PATH, and PostgreSQL 17 / Redis from Debian's packages
# on top of it. The rootfs tarball is cached in $IMAGE_TEST_STATE, so later runs are fast.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"

PYTHON_IMAGE=python:3.12-slim
POSTGRES_IMAGE=postgres:17
REDIS_IMAGE=redis:7
SUITE=trixie
# Raise when the stand-in's recipe changes: a new rootfs tarball and image are made.
STAND_IN_VERSION=2

have_image() { "$ENGINE" image inspect "$1" >/dev/null 2>&1; }

try_pull() {
    [ "${IMAGE_TEST_STAND_INS:-auto}" = always ] && return 1
    timeout 300 "$ENGINE" pull -q "docker.io/library/$1" >/dev/null 2>&1 || return 1
    [ "$ENGINE" = docker ] || "$ENGINE" tag "docker.io/library/$1" "localhost/$1"
}

tag_both() {  # the short name must resolve without a registry, for FROM and compose
    "$ENGINE" tag "$1" "docker.io/library/$2"
    [ "$ENGINE" = docker ] || "$ENGINE" tag "$1" "localhost/$2"
}

debian_mirror() {
    if [ -n "${IMAGE_TEST_DEBIAN_MIRROR:-}" ]; then echo "$IMAGE_TEST_DEBIAN_MIRROR"; return; fi
    local uri
    uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' \
        | grep -E '/debian/?$' | head -n 1 || true)
    if [ -z "$uri" ]; then
        uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
            | sed -E 's/\[[^]]*\]//' | awk '$1 == "deb" {print $2}' \
            | grep -E '/debian/?$' | head -n 1 || true)
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}

build_rootfs() {  # $1: tarball to write
    local tarball=$1 work
    command -v debootstrap >/dev/null || { echo "debootstrap is missing (apt-get install debootstrap)" >&2; exit 1; }
    work=$(mktemp -d "$IMAGE_TEST_STATE/rootfs.XXXXXX")
    local mirror
    mirror=$(debian_mirror)
    echo "debootstrap $SUITE from $mirror (once; cached in $tarball)"
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates,netbase,tzdata \
        "$SUITE" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 30 "$work/debootstrap.log" >&2; rm -rf "$work"; exit 1; }
    local root=$work/rootfs
    # The host's own CAs (a proxy's, say), or pip in the build fails CERTIFICATE_VERIFY_FAILED.
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    fi
    chroot "$root" update-ca-certificates >/dev/null 2>&1
    # As Debian's slim images (what python:3.12-slim is built on): no docs, manuals, locales.
    cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
    find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
    chroot "$root" python3 -m venv /opt/venv
    printf 'deb %s %s main\ndeb %s %s-updates main\n' "$mirror" "$SUITE" "$mirror" "$SUITE" >"$root/etc/apt/sources.list"
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
        "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*.log
    tar --numeric-owner -C "$root" -cf "$tarball.part" .
    mv "$tarball.part" "$tarball"
    rm -rf "$work"
}

python_base() {
    local stand_in=qarat-image-test/python-stand-in:$STAND_IN_VERSION
    if have_image "$stand_in"; then tag_both "$stand_in" "$PYTHON_IMAGE"; return; fi
    if try_pull "$PYTHON_IMAGE"; then echo "pulled $PYTHON_IMAGE"; return; fi
    local tarball=$IMAGE_TEST_STATE/$SUITE-python-rootfs-v$STAND_IN_VERSION.tar
    [ -s "$tarball" ] || build_rootfs "$tarball"
    echo "importing the stand-in $PYTHON_IMAGE (Debian $SUITE)"
    "$ENGINE" import \
        --change 'ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["python3"]' \
        "$tarball" "$stand_in" >/dev/null 2>"$IMAGE_TEST_STATE/import.log" \
        || { cat "$IMAGE_TEST_STATE/import.log" >&2; exit 1; }
    tag_both "$stand_in" "$PYTHON_IMAGE"
}

stand_in() {  # $1 image, $2 folder of its Dockerfile (a cached build when nothing changed)
    if try_pull "$1"; then echo "pulled $1"; return; fi
    echo "building the stand-in $1"
    local build_opts=()
    [ "$ENGINE" = podman ] && build_opts=(--format docker --network host)
    "$ENGINE" build -q "${build_opts[@]}" -t "qarat-image-test/${1%%:*}-stand-in:latest" "$here/stand-ins/$2" >/dev/null
    tag_both "qarat-image-test/${1%%:*}-stand-in:latest" "$1"
}

python_base
stand_in "$POSTGRES_IMAGE" postgres
stand_in "$REDIS_IMAGE" redis
