#!/usr/bin/env bash
# `make image-test`: builds the image from the Dockerfile and proves the running container
# and compose.yaml. Docker when a daemon answers, else podman (with a configuration and
# storage of the harness's own, see env.sh). Without a registry the base, postgres:17 and
# redis:7 images are stand-ins (base-image.sh). Prints each check's name and PASS/FAIL,
# exits non-zero on any failure, removes every container, network and volume it made.
# IMAGE_TEST_KEEP_LOGS=1 keeps the logs (build, containers, compose) for a look afterwards.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/env.sh"

started=$(date +%s)
id=${IMAGE_TEST_RUN_ID:-$$}
prefix=qarat-it-$id
image=localhost/qarat-image-test/site:latest
[ "$ENGINE" = docker ] && image=qarat-image-test/site:latest
net=$prefix-net
work=$(mktemp -d "$IMAGE_TEST_STATE/run-$id.XXXXXX")
failures=()
host=qarat.example.kz
site_port=8123
secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(50))'; }
SECRET_KEY=$(secret)
PHONE_HASH_KEY=$(secret)
DB_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')

say() { printf '%s\n' "$*"; }
pass() { say "PASS  $1"; }
fail() {
    say "FAIL  $1${2:+: $2}"
    failures+=("$1")
}
show_log() {  # $1 container: its log, for a failure
    say "----- log of $1 -----"
    "$ENGINE" logs "$1" 2>&1 | tail -n 80
    say "----- end of the log of $1 -----"
}
elapsed() { echo $(($(date +%s) - started)); }

compose_dir=
compose_cmd=()
cleanup() {
    if [ -n "$compose_dir" ] && [ -d "$compose_dir" ] && [ ${#compose_cmd[@]} -gt 0 ]; then
        (cd "$compose_dir" && "${compose_cmd[@]}" down -v -t 10 >/dev/null 2>&1)
    fi
    local names
    names=$("$ENGINE" ps -a --format '{{.Names}}' 2>/dev/null | grep "^$prefix-" || true)
    [ -n "$names" ] && "$ENGINE" rm -f -v $names >/dev/null 2>&1
    "$ENGINE" network rm "$net" >/dev/null 2>&1
    local volumes
    volumes=$("$ENGINE" volume ls --format '{{.Name}}' 2>/dev/null | grep "^$prefix" || true)
    [ -n "$volumes" ] && "$ENGINE" volume rm -f $volumes >/dev/null 2>&1
    if [ -n "${IMAGE_TEST_KEEP_LOGS:-}" ]; then say "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Tools and base images -----------------------------------------------------------
"$here/tools.sh" || { say "FAIL  tools (podman, podman-compose)"; exit 1; }
if [ "$ENGINE" = docker ]; then
    compose_cmd=(docker compose)
else
    compose_cmd=("$IMAGE_TEST_STATE/venv/bin/podman-compose")
fi
say "engine: $ENGINE ($("$ENGINE" --version))"
"$here/base-image.sh" || { say "FAIL  base images (python:3.12-slim, postgres:17, redis:7)"; exit 1; }

# --- The image -------------------------------------------------------------------------
build_opts=()
[ "$ENGINE" = podman ] && build_opts=(--format docker --network host)
if "$ENGINE" build "${build_opts[@]}" -t "$image" "$root" >"$work/build.log" 2>&1; then
    size=$("$ENGINE" image inspect "$image" --format '{{.Size}}')
    pass "build the image ($((size / 1000000)) MB uncompressed; aim: under 250 MB)"
else
    fail "build the image"
    tail -n 40 "$work/build.log"
    exit 1
fi

uid=$("$ENGINE" run --rm --entrypoint id "$image" -u 2>>"$work/engine.log")
[ "$uid" = 10001 ] && pass "runs as uid 10001" || fail "runs as uid 10001" "got $uid"

# --- One container against PostgreSQL 17 and Redis on a network of its own ---------------
"$ENGINE" network create "$net" >/dev/null
"$ENGINE" run -d --name "$prefix-db" --network "$net" --network-alias db \
    -e POSTGRES_DB=qarat -e POSTGRES_USER=qarat -e POSTGRES_PASSWORD="$DB_PASSWORD" \
    postgres:17 >/dev/null 2>>"$work/engine.log"
"$ENGINE" run -d --name "$prefix-redis" --network "$net" --network-alias redis \
    redis:7 redis-server --save "" --appendonly no >/dev/null 2>>"$work/engine.log"
ready=
for _ in $(seq 60); do
    "$ENGINE" exec "$prefix-db" pg_isready -q -U qarat -d qarat 2>/dev/null && { ready=1; break; }
    sleep 1
done
[ -n "$ready" ] || { fail "postgres:17 starts"; show_log "$prefix-db"; exit 1; }

site_env=(
    -e DEBUG=false -e SECRET_KEY="$SECRET_KEY" -e PHONE_HASH_KEY="$PHONE_HASH_KEY"
    -e ALLOWED_HOSTS="$host" -e SITE_URL="https://$host"
    -e DATABASE_URL="postgres://qarat:$DB_PASSWORD@db:5432/qarat"
    -e CACHE_URL=redis://redis:6379/1
    -e TRUSTED_PROXY_COUNT=1 -e HTTPS=true
    -e GUNICORN_BIND=0.0.0.0:$site_port
)
health_opts=()
[ "$ENGINE" = docker ] && health_opts=(--health-interval 2s)
web=$prefix-web
"$ENGINE" run -d --name "$web" --network "$net" "${site_env[@]}" "${health_opts[@]}" \
    -v "$prefix-backups:/backups" "$image" >/dev/null 2>>"$work/engine.log"

probe() {  # $1 container, $2 path -> JSON of the answer
    "$ENGINE" exec -i "$1" python - "$site_port" "$2" "$host" <"$here/probe.py" 2>&1
}
field() { python3 -c 'import json, sys; print(json.loads(sys.stdin.read() or "{}").get(sys.argv[1], ""))' "$1"; }

up=
for _ in $(seq 120); do
    if [ "$("$ENGINE" inspect -f '{{.State.Running}}' "$web" 2>/dev/null)" != true ]; then break; fi
    [ "$(probe "$web" /healthz | field status)" = 200 ] && { up=1; break; }
    sleep 1
done
if [ -n "$up" ]; then
    pass "the site starts (wait_for_database, migrate, gunicorn on 0.0.0.0:$site_port)"
else
    fail "the site starts"
    show_log "$web"
fi

tables=$("$ENGINE" exec "$prefix-db" psql -U qarat -d qarat -tAc \
    "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('django_migrations', 'inquiries_inquiry', 'consent_consentversion')" 2>&1)
if [ "$tables" = 3 ] && "$ENGINE" exec "$web" python manage.py migrate --check >/dev/null 2>&1; then
    pass "migrate on start (fresh database: tables exist, no migration left)"
else
    fail "migrate on start" "tables: $tables"
fi

answer=$(probe "$web" /)
status=$(field status <<<"$answer")
if [ "$status" = 200 ]; then
    pass "/ answers 200 behind the proxy (X-Forwarded-Proto https, X-Forwarded-For, DEBUG off)"
else
    fail "/ answers 200 behind the proxy" "status $status $(field location <<<"$answer")$(field error <<<"$answer")"
fi
css=$(field body <<<"$answer" | python3 -c '
import re, sys
links = re.findall(r"<link\b[^>]*>", sys.stdin.read())
print(next((re.search(r"href=\"([^\"]+)\"", l).group(1) for l in links if "stylesheet" in l), ""))')
answer=$(probe "$web" "${css:-/no-stylesheet-linked}")
if [ -n "$css" ] && [ "$(field status <<<"$answer")" = 200 ] && [[ "$(field content_type <<<"$answer")" == text/css* ]]; then
    pass "the stylesheet linked from / is served ($css, text/css)"
else
    fail "the stylesheet linked from / is served" "${css:-no <link rel=stylesheet>}: $(field status <<<"$answer") $(field content_type <<<"$answer")"
fi
[ "$(probe "$web" /healthz | field status)" = 200 ] && pass "/healthz answers 200" || fail "/healthz answers 200"

if [ "$ENGINE" = podman ]; then
    health=$(podman healthcheck run "$web" 2>&1) && health=${health:-healthy}
else
    for _ in $(seq 30); do
        health=$(docker inspect -f '{{.State.Health.Status}}' "$web")
        [ "$health" = starting ] || break
        sleep 1
    done
fi
[ "$health" = healthy ] && pass "HEALTHCHECK healthy on GUNICORN_BIND=0.0.0.0:$site_port" \
    || fail "HEALTHCHECK healthy on GUNICORN_BIND=0.0.0.0:$site_port" "$health"

# Start-up log: nothing that looks like a failure (words, not substrings of setting names).
"$ENGINE" logs "$web" >"$work/web.log" 2>&1
bad=$(grep -nE 'Traceback|Permission denied|\b[A-Za-z]*Error\b|\berror\b|\[ERROR\]|"level": ?"ERROR"' "$work/web.log")
if [ -z "$bad" ]; then
    pass "no Traceback, Error/error or Permission denied in the start-up log"
else
    fail "no Traceback, Error/error or Permission denied in the start-up log"
    printf '%s\n' "$bad" | head -n 20
fi

manage() { "$ENGINE" exec "$web" python manage.py "$@"; }
if out=$(manage purge_expired_inquiries --dry-run 2>&1); then
    pass "purge_expired_inquiries --dry-run"
else
    fail "purge_expired_inquiries --dry-run"; say "$out"
fi

if out=$(manage backup_database 2>&1); then
    modes=$("$ENGINE" exec "$web" sh -c 'stat -c %a /backups; stat -c %a /backups/*.dump' 2>&1 | tr '\n' ' ')
    if [ "$modes" = "700 600 " ]; then
        pass "backup_database: /backups 0700, the dump 0600"
    else
        fail "backup_database: /backups 0700, the dump 0600" "modes: $modes"
    fi
else
    fail "backup_database"; say "$out"
fi

# --- Restore round trip (PostgreSQL 17 both sides) --------------------------------------
shell() { manage shell --no-imports -c "$1"; }
SEED='
import datetime, uuid
from django.utils import timezone
from consent.models import ConsentVersion
from inquiries.models import Inquiry
Inquiry.objects.all().delete()
v = ConsentVersion.objects.get(number=1)
def add(name, phone, age_days):
    i = Inquiry.objects.create(name=name, phone=phone, consent_version=v,
        consent_language="ru", consent_sha256=v.sha256_ru, submission_token=uuid.uuid4())
    Inquiry.objects.filter(pk=i.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=age_days))
add("SUBJECT", "+77015551234", 10)
add("SUBJECT", "+77015551234", 20)
add("OTHER", "+77030000000", 5)
'
ERASE='
from inquiries.models import Inquiry
from privacy.hashing import phone_hash
from privacy.models import DestructionRecord
from privacy.services import inquiries_destroy
inquiries_destroy(queryset=Inquiry.objects.of_phone("+77015551234"),
    basis=DestructionRecord.Basis.DELETION, actor="officer",
    phone_hash=phone_hash("+77015551234"))
'
LATER='
import uuid
from consent.models import ConsentVersion
from inquiries.models import Inquiry
v = ConsentVersion.objects.get(number=1)
Inquiry.objects.create(name="LATER", phone="+77015551234", consent_version=v,
    consent_language="ru", consent_sha256=v.sha256_ru, submission_token=uuid.uuid4())
'
COUNT='
from inquiries.models import Inquiry
print("COUNTS", ",".join(str(Inquiry.objects.filter(name=n).count()) for n in ("SUBJECT", "LATER", "OTHER")))
'
counts() { shell "$COUNT" 2>&1 | awk '/^COUNTS/ {print $2}'; }
restore_log=$work/restore.log
latest_dump() { "$ENGINE" exec "$web" sh -c 'ls /backups/*.dump' | tail -n 1; }
# Backup A before the erasure; the subject erased; the same number writes again (fresh
# consent); backup B. Restoring A must not bring the erased back; restoring B must keep
# the later inquiry (a journal replayed by the number alone destroyed it).
{
    "$ENGINE" exec "$web" sh -c 'rm -f /backups/*.dump' &&
        shell "$SEED" && [ "$(counts)" = 2,0,1 ] &&
        manage backup_database && dump_a=$(latest_dump) && sleep 1 &&
        shell "$ERASE" && [ "$(counts)" = 0,0,1 ] &&
        shell "$LATER" && [ "$(counts)" = 0,1,1 ] &&
        manage backup_database && dump_b=$(latest_dump) && [ "$dump_a" != "$dump_b" ] &&
        manage restore_database "$dump_a" --yes && after_a=$(counts) &&
        manage restore_database "$dump_b" --yes
} >"$restore_log" 2>&1
restored=$?
after=$(counts)
client=$("$ENGINE" exec "$web" pg_restore --version 2>&1)
server=$("$ENGINE" exec "$prefix-db" postgres --version 2>&1)
if [ $restored = 0 ] && [ "${after_a:-}" = 0,0,1 ] && [ "$after" = 0,1,1 ]; then
    pass "restore round trip: erased stay erased, the later inquiry of the number and the other number are kept ($client; server $server)"
else
    fail "restore round trip" "restore exit $restored; SUBJECT,LATER,OTHER after restoring the backup before the erasure: ${after_a:-?} (expected 0,0,1), after restoring the one after: ${after:-?} (expected 0,1,1)"
    tail -n 20 "$restore_log"
fi

"$ENGINE" rm -f -v "$web" "$prefix-db" "$prefix-redis" >/dev/null 2>&1
"$ENGINE" volume rm -f "$prefix-backups" >/dev/null 2>&1
"$ENGINE" network rm "$net" >/dev/null 2>&1
say "single-container checks done after $(elapsed) s"

# --- compose.yaml, as its header says, in a copy of the project ----------------------------
. "$here/compose-checks.sh"

say "image-test finished in $(elapsed) s"
if [ ${#failures[@]} -gt 0 ]; then
    say "${#failures[@]} check(s) failed: ${failures[*]}"
    exit 1
fi
say "all checks passed"
