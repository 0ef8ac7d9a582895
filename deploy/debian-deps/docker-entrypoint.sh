#!/bin/sh
# The entrypoint of the Debian stand-ins (Containerfile): `postgres` makes its cluster on the
# first start from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB, as the official image does,
# then runs as the postgres user; anything else runs as given.
set -eu
if [ "${1:-}" != postgres ]; then exec "$@"; fi
shift
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
data=${PGDATA:-/var/lib/postgresql/data}
user=${POSTGRES_USER:-postgres}
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
mkdir -p "$data" /var/run/postgresql
chown postgres:postgres "$data" /var/run/postgresql
chmod 700 "$data"
if [ ! -s "$data/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  chown postgres "$pwfile"
  as_postgres "$bin/initdb" -D "$data" -U "$user" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  # Other containers connect over the compose network, with the password.
  echo 'host all all all scram-sha-256' >>"$data/pg_hba.conf"
  db=${POSTGRES_DB:-$user}
  if [ "$db" != postgres ]; then
    as_postgres "$bin/pg_ctl" -D "$data" -o "-c listen_addresses=''" -w start >/dev/null
    as_postgres "$bin/createdb" -U "$user" "$db"
    as_postgres "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
  echo "postgres: cluster made in $data (user $user, database $db)"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$bin/postgres" -D "$data" -c listen_addresses='*' "$@"
