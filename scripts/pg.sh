#!/bin/sh
# A private PostgreSQL 15 for the tests and benchmarks: a cluster initdb'd
# into DIR, listening on a free port of 127.0.0.1 and on a unix socket in
# DIR, with fsync on (acknowledged means durable here too).
#
#   scripts/pg.sh start DIR     prints the URL of its "postgres" database
#   scripts/pg.sh restart DIR   fast restart on the same port (tests of reconnecting)
#   scripts/pg.sh bouncer DIR   also a pgbouncer in front of it, configured from
#                               docs/deploy/pgbouncer.ini (transaction pooling);
#                               prints its URL
#   scripts/pg.sh stop DIR      stops both; DIR is left for the caller to remove
#
# initdb refuses to run as root: as root the cluster belongs to the system
# user postgres (Debian's postgresql package creates it; created here if
# missing) and every server command runs through runuser.
set -eu
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: scripts/pg.sh start|restart|stop DIR" >&2; exit 2; }

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
start)
    [ -x "$PGBIN/initdb" ] || { echo "scripts/pg.sh: no $PGBIN/initdb (apt-get install postgresql)" >&2; exit 1; }
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd) # the server resolves paths from its data directory
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --user-group --home-dir /var/lib/postgresql \
            --shell /bin/sh postgres
        chown postgres "$dir"
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "$port" >"$dir/port"
    as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    # Room for several test servers (a pool of 8 each) and the psql calls of the harness.
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = on
synchronous_commit = on
max_connections = 300
shared_buffers = 128MB
log_min_messages = warning
CONF
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
        { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
restart)
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast restart >/dev/null
    ;;
bouncer)
    command -v pgbouncer >/dev/null 2>&1 || { echo "scripts/pg.sh: pgbouncer is not installed" >&2; exit 1; }
    port=$(cat "$dir/port")
    bport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    # The example as it is, but for where things are: every database of the
    # private server, trust on 127.0.0.1, files in DIR.
    sed -e "s|^redress = .*|* = host=127.0.0.1 port=$port|" \
        -e "s|^listen_port = .*|listen_port = $bport|" \
        -e "s|^unix_socket_dir = .*|unix_socket_dir = $dir|" \
        -e "s|^auth_type = .*|auth_type = trust|" \
        -e "s|^auth_file = .*|auth_file = $dir/userlist.txt|" \
        -e "s|^logfile = .*|logfile = $dir/pgbouncer.log|" \
        -e "s|^pidfile = .*|pidfile = $dir/pgbouncer.pid|" \
        docs/deploy/pgbouncer.ini >"$dir/pgbouncer.ini"
    echo '"postgres" ""' >"$dir/userlist.txt"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir/pgbouncer.ini" "$dir/userlist.txt"
    as_owner pgbouncer -d "$dir/pgbouncer.ini" >/dev/null 2>&1 ||
        { cat "$dir/pgbouncer.log" >&2 2>/dev/null; exit 1; }
    for i in $(seq 1 50); do
        psql -X -q -A -t -d "postgresql://postgres@127.0.0.1:$bport/postgres" -c 'SELECT 1' >/dev/null 2>&1 && break
        sleep 0.1
    done
    echo "postgresql://postgres@127.0.0.1:$bport/postgres"
    ;;
stop)
    if [ -f "$dir/pgbouncer.pid" ]; then
        kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
    fi
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -w -t 60 -m fast stop >/dev/null
    fi
    ;;
*)
    echo "scripts/pg.sh: unknown command $cmd" >&2
    exit 2
    ;;
esac
