#!/usr/bin/env bash
# A two-node MariaDB Galera cluster on this machine, for the galera-tagged tests and for trying esa-bridge
# scaled out. Debian 12 packages (MariaDB 10.11 + galera-4 26.4), installed when missing.
#
#   scripts/galera-dev.sh start [DIR]   install if needed, start node A (bootstraps) then node B; print the URLs
#   scripts/galera-dev.sh status [DIR]  each node's cluster size and state
#   scripts/galera-dev.sh stop [DIR]    stop both nodes (the data stays; start again resumes it)
#   scripts/galera-dev.sh wipe [DIR]    stop, then delete DIR
#
# DIR (or $GALERA_DEV_DIR; default /tmp/esa-galera-dev) holds each node's my.cnf, data, binary log, socket and
# error log, and env.sh with the variables the tests read. Ports: SQL 3311/3312, Galera 4567/4577, IST
# 4568/4578, state transfer 4444/4454 (all on 127.0.0.1). The system's own MariaDB service is neither
# configured nor started: each node reads only its own my.cnf (--defaults-file).
set -euo pipefail

command=${1:-}
base=${2:-${GALERA_DEV_DIR:-/tmp/esa-galera-dev}}
nodes=(a b)
declare -A sql_port=([a]=3311 [b]=3312) galera_port=([a]=4567 [b]=4577) ist_port=([a]=4568 [b]=4578) \
    sst_port=([a]=4444 [b]=4454) server_id=([a]=1 [b]=2)
# The accounts the tests use: esa_admin creates and drops the test schemas; esa is what a production esa-bridge
# would get (its schemas, PROCESS for the watermark, the binary-log privileges for commit-ordered capture).
admin_user=esa_admin admin_password=esa-admin-dev
app_user=esa app_password=esa-dev
# As root, mariadbd must not run as root: the rsync state transfer then drops to user nobody and cannot write
# the joining node's data directory. A system user owns the data and runs both nodes (and so their transfers).
run_user=esagalera

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_if_missing() {
  local missing=()
  for package in galera-4 mariadb-server mariadb-client rsync lsof iproute2; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return
  # Installing mariadb-server would start the system's MariaDB on 3306; a policy-rc.d that refuses keeps it
  # stopped (our nodes do not need it). An existing policy (as in containers) is left as it is.
  local policy=/usr/sbin/policy-rc.d added=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    added=yes
  fi
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" || {
    [ -n "$added" ] && as_root rm -f "$policy"
    exit 1
  }
  [ -n "$added" ] && as_root rm -f "$policy"
  # A systemd machine may still have started it: stop and disable it, it is not ours to run.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mariadb 2>/dev/null; then
    as_root systemctl disable --now mariadb
  fi
}

owner() {
  if [ "$(id -u)" -eq 0 ]; then
    id -u "$run_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$run_user"
    echo "$run_user"
  else
    id -un
  fi
}

provider() {
  local p
  for p in /usr/lib/galera/libgalera_smm.so /usr/lib/libgalera_smm.so /usr/lib64/galera-4/libgalera_smm.so; do
    [ -e "$p" ] && { echo "$p"; return; }
  done
  echo "galera-dev: libgalera_smm.so not found (package galera-4)" >&2
  exit 1
}

write_config() {
  local n=$1 user=$2 dir=$base/$1
  cat >"$dir/my.cnf" <<EOF
[mariadbd]
user = $user
datadir = $dir/data
socket = $dir/mariadb.sock
pid-file = $dir/mariadb.pid
log-error = $dir/error.log
port = ${sql_port[$n]}
bind-address = 127.0.0.1
skip-name-resolve
innodb_buffer_pool_size = 64M
max_connections = 200
# What a Galera node needs (the README's "Scaling out" lists the same lines):
binlog_format = ROW
log_bin = $dir/binlog/mariadb-bin
log_slave_updates = ON
server_id = ${server_id[$n]}
gtid_domain_id = ${server_id[$n]}
wsrep_gtid_mode = ON
wsrep_gtid_domain_id = 100
innodb_autoinc_lock_mode = 2
default_storage_engine = InnoDB
# Triggers (tombstones, version tables) are created by an account without SUPER while the binary log is on.
log_bin_trust_function_creators = 1
wsrep_on = ON
wsrep_provider = $(provider)
wsrep_cluster_name = esa-galera-dev
wsrep_cluster_address = gcomm://127.0.0.1:${galera_port[a]},127.0.0.1:${galera_port[b]}
wsrep_node_name = $n
wsrep_node_address = 127.0.0.1:${galera_port[$n]}
wsrep_node_incoming_address = 127.0.0.1:${sql_port[$n]}
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:${galera_port[$n]};ist.recv_addr=127.0.0.1:${ist_port[$n]};gcache.size=64M"
wsrep_sst_method = rsync
wsrep_sst_receive_address = 127.0.0.1:${sst_port[$n]}
EOF
}

running() {
  local pidfile=$base/$1/mariadb.pid
  [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

client() {
  local n=$1
  shift
  mariadb --no-defaults --socket="$base/$n/mariadb.sock" -u"$(id -un)" -N -B "$@"
}

wsrep_state() {
  client "$1" -e "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2
}

cluster_size() {
  client "$1" -e "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'" 2>/dev/null | cut -f2
}

wait_synced() {
  local n=$1 deadline=$((SECONDS + 120))
  until [ "$(wsrep_state "$n")" = "Synced" ]; do
    if ! running "$n" && [ $SECONDS -gt $((deadline - 110)) ]; then
      echo "galera-dev: node $n is not running; see $base/$n/error.log:" >&2
      tail -n 20 "$base/$n/error.log" >&2
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "galera-dev: node $n not synced after 120 s; see $base/$n/error.log" >&2
      exit 1
    fi
    sleep 1
  done
}

start_node() {
  local n=$1 user=$2 dir=$base/$1 bootstrap=${3:-}
  if running "$n"; then
    return
  fi
  mkdir -p "$dir/data" "$dir/binlog"
  write_config "$n" "$user"
  if [ ! -d "$dir/data/mysql" ]; then
    mariadb-install-db --defaults-file="$dir/my.cnf" --auth-root-authentication-method=socket \
        --skip-test-db >"$dir/install.log" 2>&1
  fi
  if [ "$(id -u)" -eq 0 ]; then
    chown -R "$user" "$dir"
  fi
  local args=(--defaults-file="$dir/my.cnf")
  if [ -n "$bootstrap" ]; then
    # This machine stopped the whole cluster itself, so node A's state is the newest: let it bootstrap.
    [ -f "$dir/data/grastate.dat" ] && sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$dir/data/grastate.dat"
    args+=(--wsrep-new-cluster)
  fi
  setsid nohup mariadbd "${args[@]}" >>"$dir/stdout.log" 2>&1 </dev/null &
  wait_synced "$n"
}

create_accounts() {
  client a <<EOF
CREATE USER IF NOT EXISTS '$admin_user'@'127.0.0.1' IDENTIFIED BY '$admin_password';
GRANT ALL PRIVILEGES ON *.* TO '$admin_user'@'127.0.0.1' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS '$app_user'@'127.0.0.1' IDENTIFIED BY '$app_password';
GRANT ALL PRIVILEGES ON \`esa%\`.* TO '$app_user'@'127.0.0.1';
GRANT PROCESS, RELOAD, REPLICATION CLIENT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '$app_user'@'127.0.0.1';
EOF
}

print_env() {
  cat >"$base/env.sh" <<EOF
export ESA_GALERA_URL_A=jdbc:mariadb://127.0.0.1:${sql_port[a]}/
export ESA_GALERA_URL_B=jdbc:mariadb://127.0.0.1:${sql_port[b]}/
export ESA_GALERA_USER=$admin_user
export ESA_GALERA_PASSWORD=$admin_password
export ESA_GALERA_APP_USER=$app_user
export ESA_GALERA_APP_PASSWORD=$app_password
EOF
  echo "galera-dev: cluster of $(cluster_size a) nodes in $base"
  echo "  node a: jdbc:mariadb://127.0.0.1:${sql_port[a]}/   node b: jdbc:mariadb://127.0.0.1:${sql_port[b]}/"
  echo "  accounts: $admin_user/$admin_password (all privileges), $app_user/$app_password (schemas esa*, PROCESS, binlog)"
  echo "  for the tests: source $base/env.sh"
}

case "$command" in
  start)
    install_if_missing
    mkdir -p "$base"
    chmod 755 "$base"
    user=$(owner)
    if running a || running b; then
      start_node a "$user"
    else
      start_node a "$user" bootstrap
    fi
    start_node b "$user"
    create_accounts
    print_env
    ;;
  status)
    for n in "${nodes[@]}"; do
      if running "$n"; then
        echo "node $n: running, port ${sql_port[$n]}, $(wsrep_state "$n"), cluster size $(cluster_size "$n")"
      else
        echo "node $n: stopped"
      fi
    done
    ;;
  stop | wipe)
    # B first, A last: the last node to leave has the newest state and bootstraps the next start.
    for n in b a; do
      if running "$n"; then
        pid=$(cat "$base/$n/mariadb.pid")
        kill "$pid"
        deadline=$((SECONDS + 60))
        while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
          sleep 1
        done
        if kill -0 "$pid" 2>/dev/null; then
          # A node stuck in a replication wait ignores the shutdown request: its data is this machine's test data.
          kill -9 "$pid"
          echo "node $n killed (did not shut down within 60 s; see $base/$n/error.log)"
        else
          echo "node $n stopped"
        fi
      fi
    done
    if [ "$command" = wipe ]; then
      rm -rf "$base"
      echo "galera-dev: $base deleted"
    fi
    ;;
  *)
    echo "usage: $0 start|status|stop|wipe [DIR]" >&2
    exit 2
    ;;
esac
