#!/bin/sh
# As the official image: redis-server as the redis user, PID 1, not in protected mode.
set -e
if [ "${1:-}" = redis-server ]; then
    shift
    exec setpriv --reuid=redis --regid=redis --init-groups redis-server --protected-mode no "$@"
fi
exec "$@"
