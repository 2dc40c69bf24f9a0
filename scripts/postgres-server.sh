#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, for the DuckDB-vs-PostgreSQL tests.
#
#   scripts/postgres-server.sh install      install the Debian server packages when initdb is missing
#   scripts/postgres-server.sh start DIR    new cluster in DIR, started on a free 127.0.0.1 port;
#                                           writes DIR/connection.env (mode 600, has the password)
#   scripts/postgres-server.sh stop DIR     stop that server and delete DIR
#
# Why this shape: the server refuses to run as root, and CI runs as root, so the cluster belongs to
# an unprivileged user (`postgres`, created by the Debian package). The data directory and the
# socket live in DIR, so nothing touches a system cluster and several runs can coexist. The password
# is random per cluster and never printed; durability is switched off because the data is disposable.
set -euo pipefail

DB_NAME=piggy
DB_USER=piggy
# The Debian package creates `postgres`; a machine with a hand-built server may only have `nobody`.
RUN_AS=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)

die() { echo "postgres-server: $*" >&2; exit 1; }

# Newest Debian server binaries, else whatever initdb is on PATH (a developer's own install).
find_bindir() {
    local newest
    newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$newest" && -x "$newest/initdb" ]]; then
        echo "$newest"
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

install_server() {
    [[ -n "$(find_bindir)" ]] && return 0
    [[ $EUID -eq 0 ]] || die "initdb not found; install PostgreSQL (Debian: apt-get install postgresql)"
    echo "postgres-server: installing the Debian postgresql packages" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
    [[ -n "$(find_bindir)" ]] || die "apt-get installed postgresql but no initdb was found"
}

# Root hands the cluster to the unprivileged owner; anyone else runs the server as themselves.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u "$RUN_AS" -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server() {
    local state_dir=$1 bindir port password
    install_server
    bindir=$(find_bindir)
    mkdir -p "$state_dir"
    [[ -e "$state_dir/data" ]] && die "$state_dir already holds a cluster; stop it first"
    password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    port=$(free_port)
    (umask 077 && printf '%s\n' "$password" >"$state_dir/pwfile")
    if [[ $EUID -eq 0 ]]; then
        chown -R "$RUN_AS" "$state_dir"
        as_owner test -w "$state_dir" || die "user $RUN_AS cannot reach $state_dir; use a DIR under /tmp"
    fi

    as_owner "$bindir/initdb" --pgdata="$state_dir/data" --username="$DB_USER" \
        --pwfile="$state_dir/pwfile" --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$state_dir/initdb.log" 2>&1 \
        || die "initdb failed, see $state_dir/initdb.log"
    rm -f "$state_dir/pwfile"

    as_owner "$bindir/pg_ctl" --pgdata="$state_dir/data" --log="$state_dir/server.log" --wait \
        --options="-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$state_dir \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c TimeZone=UTC" start >/dev/null \
        || die "server did not start, see $state_dir/server.log"
    as_owner "$bindir/createdb" --host="$state_dir" --port="$port" --username="$DB_USER" "$DB_NAME"

    (umask 077 && cat >"$state_dir/connection.env" <<EOF
PIGGY_POSTGRES_HOST=127.0.0.1
PIGGY_POSTGRES_PORT=$port
PIGGY_POSTGRES_USER=$DB_USER
PIGGY_POSTGRES_PASSWORD=$password
PIGGY_POSTGRES_DATABASE=$DB_NAME
EOF
    )
    echo "postgres-server: ready on 127.0.0.1:$port (settings in $state_dir/connection.env)"
}

stop_server() {
    local state_dir=$1 bindir
    bindir=$(find_bindir)
    if [[ -f "$state_dir/data/postmaster.pid" && -n "$bindir" ]]; then
        as_owner "$bindir/pg_ctl" --pgdata="$state_dir/data" --mode=fast --wait stop >/dev/null
    fi
    rm -rf "$state_dir"
}

case "${1:-}" in
    install) install_server ;;
    start) [[ -n "${2:-}" ]] || die "usage: $0 start DIR"; start_server "$2" ;;
    stop) [[ -n "${2:-}" ]] || die "usage: $0 stop DIR"; stop_server "$2" ;;
    *) die "usage: $0 install | start DIR | stop DIR" ;;
esac
