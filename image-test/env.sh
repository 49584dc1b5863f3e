# Sourced by the image-test scripts: the container engine and, for podman, a configuration
# and storage of the harness's own (outside the repository, kept between runs as a cache).
# shellcheck shell=bash

IMAGE_TEST_STATE=${IMAGE_TEST_STATE:-/var/tmp/qarat-image-test}
mkdir -p "$IMAGE_TEST_STATE"

if [ -z "${ENGINE:-}" ]; then
    if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
        ENGINE=docker
    else
        ENGINE=podman
    fi
fi
export ENGINE

if [ "$ENGINE" = podman ]; then
    conf=$IMAGE_TEST_STATE/config
    mkdir -p "$conf" "$IMAGE_TEST_STATE/storage" "$IMAGE_TEST_STATE/run"
    # For machines with no Docker daemon and no registry: runc and cgroupfs (crun refuses a
    # hybrid cgroup layout), ulimits root may set without CAP_SYS_RESOURCE, host network for
    # builds, nothing resolved from a registry.
    cat >"$conf/containers.conf" <<CONF
[containers]
netns = "host"
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
log_driver = "k8s-file"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
    cat >"$conf/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$IMAGE_TEST_STATE/storage"
runroot = "$IMAGE_TEST_STATE/run"
CONF
    cat >"$conf/registries.conf" <<CONF
unqualified-search-registries = []
short-name-mode = "permissive"
CONF
    export CONTAINERS_CONF=$conf/containers.conf
    export CONTAINERS_STORAGE_CONF=$conf/storage.conf
    export CONTAINERS_REGISTRIES_CONF=$conf/registries.conf
    # HEALTHCHECK survives only in the docker format (podman-compose builds inherit this too).
    export BUILDAH_FORMAT=docker
fi
