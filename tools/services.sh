#!/usr/bin/env bash
# Installs (when missing) and runs throwaway PostgreSQL and RabbitMQ servers on loopback for tests and local use.
#
#   tools/services.sh start     start both; prints `export ...` lines with their connection strings
#   tools/services.sh stop      stop both and delete their data
#   tools/services.sh status    say what runs
#   tools/services.sh stop-postgres | start-postgres | stop-rabbitmq | start-rabbitmq   (fault-injection tests)
#   tools/services.sh kill-postgres | kill-rabbitmq   (SIGKILL, for crash tests; start-* brings them back)
#   tools/services.sh reset-amqp-connections   cut every client connection to the broker with a TCP reset (ss -K)
#   tools/services.sh queue-depth NAME   messages in a queue, ready and unacknowledged (benchmarks)
#
# Data lives in $FLEETTWINS_SERVICES_DIR (default /tmp/fleettwins-services); ports are
# FLEETTWINS_PG_PORT (15432) and FLEETTWINS_AMQP_PORT (15682). User and password are both "fleettwins".
set -euo pipefail

DIR="${FLEETTWINS_SERVICES_DIR:-/tmp/fleettwins-services}"
PG_PORT="${FLEETTWINS_PG_PORT:-15432}"
AMQP_PORT="${FLEETTWINS_AMQP_PORT:-15682}"
DIST_PORT="${FLEETTWINS_RABBITMQ_DIST_PORT:-15692}"
NODE="fleettwins-$AMQP_PORT@localhost"
USER_NAME=fleettwins
PASSWORD=fleettwins

log() { echo "services: $*" >&2; }

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    log "need $* but cannot install it without root; install it and run again"; exit 1
  fi
  log "installing $* (apt-get)"
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >&2; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_installed() {
  local missing=()
  [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] || missing+=(postgresql)
  command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  # The fleet console: built with npm by the host's build, checked in headless Chromium by the tests.
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
  # The Debian packages may start their own system-wide servers; ours are separate and leave those alone.
}

start_postgres() {
  local bin data="$DIR/postgres"
  bin="$(pg_bin)"
  if [ ! -s "$data/PG_VERSION" ]; then
    mkdir -p "$data" "$DIR/postgres-run"
    echo "$PASSWORD" > "$DIR/pgpass"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$data" "$DIR/postgres-run" "$DIR/pgpass"; fi
    chmod 700 "$data"
    as_pg "$bin/initdb" -D "$data" -U "$USER_NAME" --pwfile="$DIR/pgpass" --auth=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$DIR/postgres-run'
max_connections = 300
shared_buffers = 256MB
timezone = 'UTC'
CONF
  fi
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then return; fi
  as_pg "$bin/pg_ctl" -D "$data" -l "$DIR/postgres-run/postgres.log" -w -t 60 start >/dev/null
  log "postgresql on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
  local bin
  bin="$(pg_bin)"
  [ -n "$bin" ] && [ -s "$DIR/postgres/PG_VERSION" ] || return 0
  as_pg "$bin/pg_ctl" -D "$DIR/postgres" -m fast -w stop >/dev/null 2>&1 || true
}

# SIGKILL for the server and every backend (a crash: no checkpoint, no goodbye to clients); the next start replays
# the WAL. The backends go too, or the next start would find the old shared memory still attached.
kill_postgres() {
  local pid
  pid="$(head -1 "$DIR/postgres/postmaster.pid" 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  pkill -9 -P "$pid" 2>/dev/null || true
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  for _ in $(seq 1 100); do pgrep -f -- "-D $DIR/postgres" >/dev/null || return 0; sleep 0.1; done
}

rabbit_env() {
  export RABBITMQ_NODENAME="$NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$AMQP_PORT" \
    RABBITMQ_DIST_PORT="$DIST_PORT" RABBITMQ_MNESIA_BASE="$DIR/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$DIR/rabbitmq/log" \
    RABBITMQ_PID_FILE="$DIR/rabbitmq/rabbitmq.pid" RABBITMQ_CONFIG_FILE="$DIR/rabbitmq/rabbitmq.conf" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/rabbitmq/enabled_plugins" RABBITMQ_ADVANCED_CONFIG_FILE="$DIR/rabbitmq/advanced.config" \
    HOME="$DIR/rabbitmq" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="+sbwt none +sbwtdcpu none +sbwtdio none"
  # The Erlang schedulers spin waiting for work by default: on a small shared machine (two cores, the tests' hosts
  # beside the broker) that spinning takes CPU the hosts need; without it the broker sleeps when idle.
  # The CLI tools are Erlang nodes too, with distribution ports of their own: a rabbitmqctl polling a starting server
  # could take the server's (dist_port_already_used); keep them apart. Every port here is below the kernel's ephemeral
  # range (ip_local_port_range, 32768-60999 by default), where an outgoing connection could hold it.
  export RABBITMQ_CTL_DIST_PORT_MIN=$((DIST_PORT + 1000)) RABBITMQ_CTL_DIST_PORT_MAX=$((DIST_PORT + 1020))
  cd "$DIR/rabbitmq" 2>/dev/null || cd /tmp   # the Erlang CLI drops erl_crash.dump into its working directory
}

rabbit_bin() { if [ -x /usr/lib/rabbitmq/bin/$1 ]; then echo /usr/lib/rabbitmq/bin/$1; else command -v "$1"; fi; }

start_rabbitmq() {
  mkdir -p "$DIR/rabbitmq/log" "$DIR/rabbitmq/mnesia"
  if [ ! -f "$DIR/rabbitmq/rabbitmq.conf" ]; then
    cat > "$DIR/rabbitmq/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$AMQP_PORT
default_user = $USER_NAME
default_pass = $PASSWORD
loopback_users = none
disk_free_limit.absolute = 50MB
vm_memory_high_watermark.relative = 0.2
CONF
    echo "[]." > "$DIR/rabbitmq/enabled_plugins"
    echo "[]." > "$DIR/rabbitmq/advanced.config"
  fi
  ( rabbit_env
    if "$(rabbit_bin rabbitmqctl)" -q -n "$NODE" status >/dev/null 2>&1; then exit 0; fi
    setsid nohup "$(rabbit_bin rabbitmq-server)" >"$DIR/rabbitmq/log/console.log" 2>&1 < /dev/null &
    for _ in $(seq 1 90); do
      if "$(rabbit_bin rabbitmqctl)" -q -n "$NODE" await_startup --timeout 60 >/dev/null 2>&1; then exit 0; fi
      sleep 1
    done
    echo "services: rabbitmq did not start; see $DIR/rabbitmq/log" >&2; exit 1 )
  log "rabbitmq on 127.0.0.1:$AMQP_PORT"
}

# SIGKILL for the broker's Erlang VM: what it had not written to disk is gone, unacknowledged deliveries included.
kill_rabbitmq() {
  local pid
  pid="$(cat "$DIR/rabbitmq/rabbitmq.pid" 2>/dev/null || true)"
  [ -n "$pid" ] || return 0
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

stop_rabbitmq() {
  [ -d "$DIR/rabbitmq" ] || return 0
  local pid
  pid="$(cat "$DIR/rabbitmq/rabbitmq.pid" 2>/dev/null || true)"
  ( rabbit_env; timeout 60 "$(rabbit_bin rabbitmqctl)" -q -n "$NODE" stop >/dev/null 2>&1 || true )
  # Wait for the Erlang VM itself to exit, so the port is free for a restart; kill it if it lingers.
  if [ -n "$pid" ]; then
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
}

print_env() {
  echo "export FLEETTWINS_TEST_POSTGRES='Host=127.0.0.1;Port=$PG_PORT;Username=$USER_NAME;Password=$PASSWORD;Database=postgres'"
  echo "export FLEETTWINS_TEST_RABBITMQ='amqp://$USER_NAME:$PASSWORD@127.0.0.1:$AMQP_PORT/'"
  echo "export FLEETTWINS_SERVICES_DIR='$DIR'"
}

case "${1:-}" in
  start) ensure_installed; mkdir -p "$DIR"; start_postgres; start_rabbitmq; print_env ;;
  stop) stop_rabbitmq; stop_postgres; rm -rf "$DIR" ;;
  status)
    if as_pg "$(pg_bin)/pg_ctl" -D "$DIR/postgres" status >/dev/null 2>&1; then echo "postgresql: running"; else echo "postgresql: stopped"; fi
    if ( rabbit_env; "$(rabbit_bin rabbitmqctl)" -q -n "$NODE" status >/dev/null 2>&1 ); then echo "rabbitmq: running"; else echo "rabbitmq: stopped"; fi ;;
  env) print_env ;;
  stop-postgres) stop_postgres ;;
  kill-postgres) kill_postgres ;;
  kill-rabbitmq) kill_rabbitmq ;;
  start-postgres) start_postgres ;;
  stop-rabbitmq) stop_rabbitmq ;;
  queue-depth) ( rabbit_env; "$(rabbit_bin rabbitmqctl)" -q -n "$NODE" list_queues name messages 2>/dev/null \
      | awk -v q="${2:?queue name}" '$1 == q { print $2 }' ) ;;
  start-rabbitmq) start_rabbitmq ;;
  # Destroys the client ends of the broker's TCP connections on this machine: clients see their socket aborted,
  # the broker a reset. Exit 3 when this machine cannot (no ss, or no permission to destroy sockets).
  reset-amqp-connections)
    command -v ss >/dev/null 2>&1 || { echo "ss (iproute2) is not installed" >&2; exit 3; }
    killed=$(ss -K -H -t state established dst 127.0.0.1 dport = "$AMQP_PORT" 2>/dev/null) || { echo "ss -K failed" >&2; exit 3; }
    echo "reset $(grep -c . <<< "$killed") connections" ;;
  *) echo "usage: $0 start|stop|status|env|stop-postgres|kill-postgres|start-postgres|stop-rabbitmq|kill-rabbitmq|start-rabbitmq|reset-amqp-connections|queue-depth NAME" >&2; exit 2 ;;
esac
