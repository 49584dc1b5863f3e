# Sourced by run.sh: compose.yaml brought up as its header says, in a copy of the project
# (so no .env is left in the checkout), with postgres:17 and redis:7 as base-image.sh made
# them. podman-compose ignores `condition: service_healthy`, so the order is checked here.
# shellcheck shell=bash

project=$prefix
compose_dir=$work/compose/qarat
mkdir -p "$compose_dir"
tar -C "$root" --exclude=./.git --exclude=./.venv --exclude=./.env --exclude=./node_modules \
    --exclude=./staticfiles --exclude=./backups --exclude=./db.sqlite3 --exclude='*/__pycache__' \
    -cf - . | tar -C "$compose_dir" -xf -
compose() { (cd "$compose_dir" && "${compose_cmd[@]}" -p "$project" "$@"); }
container_of() {  # $1 service -> container name
    "$ENGINE" ps -a --filter "label=com.docker.compose.project=$project" \
        --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n 1
}

# An administrator's .env: the template with the secrets and the host filled in.
(cd "$compose_dir" && cp .env.example .env && chmod 600 .env)
set_env() { sed -i "s|^$1=.*|$1=$2|" "$compose_dir/.env"; }
set_env SECRET_KEY "$SECRET_KEY"
set_env PHONE_HASH_KEY "$PHONE_HASH_KEY"
set_env POSTGRES_PASSWORD "$DB_PASSWORD"
set_env ALLOWED_HOSTS "$host"
set_env SITE_URL "https://$host"

if python3 -c 'import socket; s = socket.socket(); s.settimeout(1); s.connect(("127.0.0.1", 8000))' 2>/dev/null; then
    fail "compose: 127.0.0.1:8000 is free for compose's web port" "something listens there already"
    return 0 2>/dev/null || exit 1
fi

if compose up -d --build >"$work/compose-up.log" 2>&1; then
    pass "compose up -d --build ($(compose version 2>/dev/null | head -n 1))"
else
    fail "compose up -d --build"
    tail -n 40 "$work/compose-up.log"
fi
db_c=$(container_of db); redis_c=$(container_of redis)
web_c=$(container_of web); scheduler_c=$(container_of scheduler)

host_probe() { python3 "$here/probe.py" 8000 "$1" "$host" 2>&1; }
site_answers() {  # $1 seconds
    local status
    for _ in $(seq "$1"); do
        status=$(host_probe / | field status)
        [ "$status" = 200 ] && return 0
        sleep 1
    done
    return 1
}
if [ -n "$web_c" ] && site_answers 120; then
    pass "compose: the site answers 200 on 127.0.0.1:8000 with the proxy headers"
else
    fail "compose: the site answers 200 on 127.0.0.1:8000 with the proxy headers" \
        "$(host_probe / | head -c 300)"
    [ -n "$web_c" ] && show_log "$web_c"
    [ -n "$db_c" ] && show_log "$db_c"
fi

if [ "$ENGINE" = podman ]; then
    health=$(podman healthcheck run "$web_c" 2>&1) && health=${health:-healthy}
else
    health=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$web_c")
    [ "$health" = starting ] && health=healthy  # the site answered already; the first probe is 30 s away
fi
[ "$health" = healthy ] && pass "compose: web's HEALTHCHECK (image built by compose) is healthy" \
    || fail "compose: web's HEALTHCHECK (image built by compose) is healthy" "$health"

# environment: pins the container's layout whatever .env says (.env has systemd's values).
wrong=
for pair in CACHE_URL=redis://redis:6379/1 BACKUP_DIR=/backups \
    DESTRUCTION_JOURNAL=/backups/destructions.jsonl STATIC_ROOT=/app/staticfiles \
    GUNICORN_BIND=0.0.0.0:8000 TRUSTED_PROXY_COUNT=1 \
    "DATABASE_URL=postgres://qarat:$DB_PASSWORD@db:5432/qarat"; do
    for c in "$web_c" "$scheduler_c"; do
        got=$("$ENGINE" exec "$c" printenv "${pair%%=*}" 2>/dev/null)
        [ "$got" = "${pair#*=}" ] || wrong="$wrong ${c##*[-_]}:${pair%%=*}=$got"
    done
done
[ -z "$wrong" ] && pass "compose: environment: wins over .env (DATABASE_URL, CACHE_URL, BACKUP_DIR, DESTRUCTION_JOURNAL, STATIC_ROOT, GUNICORN_BIND, TRUSTED_PROXY_COUNT)" \
    || fail "compose: environment: wins over .env" "$wrong"

# The first start: web and scheduler came up beside a fresh database without failing.
compose logs web >"$work/compose-web.log" 2>&1  # as docs/deploy.md (6) reads them
restarts=$("$ENGINE" inspect -f '{{.RestartCount}}' "$web_c" 2>/dev/null)
if [ "${restarts:-0}" = 0 ] && ! grep -qE 'Traceback|OperationalError|could not translate host' "$work/compose-web.log"; then
    waited=$(grep -c 'Waiting for the database' "$work/compose-web.log")
    pass "compose: web's first start beside a fresh database ($([ "$waited" -gt 0 ] && echo 'it waited for the database' || echo 'the database was ready first'))"
else
    fail "compose: web's first start beside a fresh database" "restarts: $restarts"
    show_log "$web_c"
fi

# The order, for certain: the database stopped, web restarted, web waits; database back, web serves.
ordered=
one_off=
if compose stop db >>"$work/compose-order.log" 2>&1; then
    compose restart web >>"$work/compose-order.log" 2>&1
    for _ in $(seq 30); do
        "$ENGINE" logs --since 60s "$web_c" 2>&1 | grep -q 'Waiting for the database' && { ordered=waited; break; }
        sleep 1
    done
    if [ -z "$ordered" ]; then
        # podman may refuse to start a container whose dependency is stopped ("some
        # dependencies ... are not started"), and podman-compose may still exit 0: the
        # same first step of web's start, in a one-off container of the service without
        # its dependencies.
        one_off=1
        waited_out=$(timeout 90 bash -c 'cd "$1" && shift && "$@"' _ "$compose_dir" \
            "${compose_cmd[@]}" -p "$project" run --rm --no-deps web \
            python manage.py wait_for_database --timeout 10 2>&1)
        echo "$waited_out" >>"$work/compose-order.log"
        grep -q 'Waiting for the database' <<<"$waited_out" && ordered=waited
    fi
fi
compose start db >>"$work/compose-order.log" 2>&1
[ -n "$one_off" ] && compose start web >>"$work/compose-order.log" 2>&1
if [ "$ordered" = waited ] && site_answers 90; then
    how=$([ -n "$one_off" ] && echo "podman would not restart it alone: a one-off web container waited" || echo "restarted without it: waited")
    pass "compose: web waits for the database ($how, then served)"
else
    fail "compose: web waits for the database" "${ordered:-no 'Waiting for the database' line}"
    cat "$work/compose-order.log"
    show_log "$web_c"
fi

"$ENGINE" logs "$scheduler_c" >"$work/compose-scheduler.log" 2>&1
if grep -q 'Scheduler started' "$work/compose-scheduler.log" \
    && ! grep -qE 'ProgrammingError|Traceback|Job .* failed|does not exist' "$work/compose-scheduler.log" \
    && ! sed -n '/Scheduler started/,$p' "$work/compose-scheduler.log" | grep -q 'Scheduler waiting'; then
    pass "compose: the scheduler ran no job before the migrations ($(grep -q 'Scheduler waiting' "$work/compose-scheduler.log" && echo 'it waited for them' || echo 'they were applied first'))"
else
    fail "compose: the scheduler ran no job before the migrations"
    show_log "$scheduler_c"
fi

# What docs/deploy.md has the administrator run after `up` (2a): the accounts.
admin_log=$work/compose-admin.log
operator_password=$(secret)
if compose ps >"$admin_log" 2>&1 \
    && compose exec -T -e DJANGO_SUPERUSER_PASSWORD="$(secret)" web \
        python manage.py createsuperuser --noinput --username admin --email "admin@$host" >>"$admin_log" 2>&1 \
    && printf '%s\n' "$operator_password" | compose exec -T web \
        python manage.py create_operator aigerim --email "aigerim@$host" --password-stdin >>"$admin_log" 2>&1; then
    pass "compose: ps, createsuperuser and create_operator as docs/deploy.md runs them"
else
    fail "compose: ps, createsuperuser and create_operator as docs/deploy.md runs them"
    tail -n 20 "$admin_log"
fi

# A backup by the scheduler's container, and the restore exactly as docs/deploy.md (4) says.
restore_log=$work/compose-restore.log
if compose exec -T scheduler python manage.py backup_database >"$restore_log" 2>&1 \
    && dump=$(compose exec -T scheduler sh -c 'ls /backups/*.dump' 2>>"$restore_log" | tail -n 1) \
    && [ -n "$dump" ] \
    && compose stop web scheduler >>"$restore_log" 2>&1 \
    && compose run --rm web python manage.py restore_database "$dump" --yes >>"$restore_log" 2>&1 \
    && compose start web scheduler >>"$restore_log" 2>&1 \
    && grep -q "^Restored $dump" "$restore_log" && site_answers 90 \
    && compose exec -T web python manage.py shell -c \
        'from django.contrib.auth.models import User; print("ACCOUNTS", User.objects.count())' \
        2>>"$restore_log" | grep -q "^ACCOUNTS 2$"; then
    pass "compose: backup_database, then stop, run --rm restore_database, start, as docs/deploy.md says"
else
    fail "compose: backup and restore as docs/deploy.md says"
    tail -n 30 "$restore_log"
fi

# stop: every container ends by its stop signal within 10 s, none killed (exit 137).
t0=$(date +%s.%N)
compose stop >"$work/compose-stop.log" 2>&1
took=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t0" "$(date +%s.%N)")
codes=
for c in "$web_c" "$scheduler_c" "$db_c" "$redis_c"; do
    codes="$codes ${c}=$("$ENGINE" inspect -f '{{.State.Running}}/{{.State.ExitCode}}' "$c" 2>&1)"
done
if python3 -c "import sys; sys.exit(float(sys.argv[1]) > 10)" "$took" \
    && ! grep -qE '=true/|/137\b' <<<"$codes"; then
    pass "compose: stop ends every container within 10 s, none killed ($took s;$codes)"
else
    fail "compose: stop ends every container within 10 s, none killed" "$took s;$codes"
    cat "$work/compose-stop.log"
fi

compose down -v >"$work/compose-down.log" 2>&1 \
    && [ -z "$("$ENGINE" ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}}')" ] \
    && pass "compose: down -v removes the containers" \
    || { fail "compose: down -v removes the containers"; cat "$work/compose-down.log"; }
say "compose checks done after $(elapsed) s"
