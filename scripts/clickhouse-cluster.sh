#!/usr/bin/env bash
# A two-shard ClickHouse cluster on 127.0.0.1 for trying spot-ml's cluster engine and for its tests.
#
#   scripts/clickhouse-cluster.sh start DIR   # writes DIR/shard1, DIR/shard2 (config, data, logs), starts both, waits
#   scripts/clickhouse-cluster.sh stop DIR    # ends both servers and waits until they are gone
#
# Ports (two values each, space- or comma-separated):
#   CH_HTTP_PORTS        HTTP ports of the shards (default "8123 8124")
#   CH_TCP_PORTS         native ports, used by the Distributed tables (default: HTTP port + 1000)
#   CH_INTERSERVER_PORTS interserver HTTP ports (default: HTTP port + 2000)
# CH_PASSWORD            password of the `default` user on both shards (default: none)
# CH_START_TIMEOUT       seconds to wait for both shards to answer (default 60)
#
# Each shard is its own process with its own config file, data path and ports, listening on 127.0.0.1
# only; the `remote_servers` entry `spot` names both shards. Run as root, the servers run as the
# `clickhouse` user (setpriv) when it exists, and DIR is given to that user; otherwise as the caller.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

server_bin=$(command -v clickhouse-server || true)
[ -n "$server_bin" ] || [ ! -x /usr/sbin/clickhouse-server ] || server_bin=/usr/sbin/clickhouse-server

ports() { # $1 = value of the variable, $2 = default list
  local list=${1:-$2}
  list=${list//,/ }
  # shellcheck disable=SC2206
  local arr=($list)
  [ ${#arr[@]} -eq 2 ] || { echo "clickhouse-cluster: expected two ports, got '$list'" >&2; exit 2; }
  echo "${arr[@]}"
}

read -r http1 http2 <<<"$(ports "${CH_HTTP_PORTS:-}" "8123 8124")"
read -r tcp1 tcp2 <<<"$(ports "${CH_TCP_PORTS:-}" "$((http1 + 1000)) $((http2 + 1000))")"
read -r inter1 inter2 <<<"$(ports "${CH_INTERSERVER_PORTS:-}" "$((http1 + 2000)) $((http2 + 2000))")"
http=("$http1" "$http2")
tcp=("$tcp1" "$tcp2")
inter=("$inter1" "$inter2")

xml_escape() { local s=$1; s=${s//&/&amp;}; s=${s//</&lt;}; s=${s//>/&gt;}; printf '%s' "$s"; }

write_config() { # $1 = shard index (0 or 1)
  local i=$1 shard_dir="$dir/shard$(($1 + 1))"
  mkdir -p "$shard_dir/data" "$shard_dir/tmp" "$shard_dir/user_files" "$shard_dir/log"
  local password=""
  [ -z "${CH_PASSWORD:-}" ] || password="<password>$(xml_escape "$CH_PASSWORD")</password>"
  cat >"$shard_dir/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>$shard_dir/log/server.log</log>
        <errorlog>$shard_dir/log/server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>${http[$i]}</http_port>
    <tcp_port>${tcp[$i]}</tcp_port>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <interserver_http_port>${inter[$i]}</interserver_http_port>
    <max_connections>256</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>50</max_concurrent_queries>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <mark_cache_size>268435456</mark_cache_size>
    <path>$shard_dir/data/</path>
    <tmp_path>$shard_dir/tmp/</tmp_path>
    <user_files_path>$shard_dir/user_files/</user_files_path>
    <users_config>$shard_dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
    <max_session_timeout>3600</max_session_timeout>
    <default_session_timeout>60</default_session_timeout>
    <remote_servers>
        <spot>
            <shard>
                <replica><host>127.0.0.1</host><port>${tcp[0]}</port>$password</replica>
            </shard>
            <shard>
                <replica><host>127.0.0.1</host><port>${tcp[1]}</port>$password</replica>
            </shard>
        </spot>
    </remote_servers>
</yandex>
EOF
  cat >"$shard_dir/users.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <load_balancing>in_order</load_balancing>
        </default>
    </profiles>
    <users>
        <default>
            <password>$(xml_escape "${CH_PASSWORD:-}")</password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval>
        </default>
    </quotas>
</yandex>
EOF
  chmod 600 "$shard_dir/users.xml" "$shard_dir/config.xml"
}

answers() { # $1 = HTTP port: the server says "Ok." on /ping
  local reply
  reply=$({ exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /ping HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && cat <&3; } 2>/dev/null) || return 1
  [[ $reply == *"Ok."* ]]
}

start() {
  [ -n "$server_bin" ] || { echo "clickhouse-cluster: clickhouse-server not found (Debian: apt-get install clickhouse-server)" >&2; exit 1; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local run_as=()
  if [ "$(id -u)" = 0 ] && id clickhouse >/dev/null 2>&1; then
    run_as=(setpriv --reuid=clickhouse --regid=clickhouse --clear-groups --)
  fi
  for i in 0 1; do
    local shard_dir="$dir/shard$((i + 1))"
    if [ -f "$shard_dir/pid" ] && kill -0 "$(cat "$shard_dir/pid")" 2>/dev/null; then
      echo "clickhouse-cluster: shard $((i + 1)) is already running (pid $(cat "$shard_dir/pid"))" >&2; exit 1
    fi
    if answers "${http[$i]}"; then
      echo "clickhouse-cluster: port ${http[$i]} already answers: another server is running there" >&2; exit 1
    fi
    write_config "$i"
  done
  if [ ${#run_as[@]} -gt 0 ]; then
    chown -R clickhouse:clickhouse "$dir"
    if ! "${run_as[@]}" test -w "$dir/shard1/data"; then
      echo "clickhouse-cluster: the clickhouse user cannot reach $dir (a parent folder is closed to it); use a folder under /tmp" >&2
      exit 1
    fi
  fi
  for i in 0 1; do
    local shard_dir="$dir/shard$((i + 1))"
    # setpriv execs the server, so $! is the server's pid; its output goes to files so callers' pipes close.
    nohup "${run_as[@]}" "$server_bin" --config-file="$shard_dir/config.xml" \
      >"$shard_dir/log/stdout.log" 2>"$shard_dir/log/stderr.log" </dev/null &
    echo $! >"$shard_dir/pid"
  done
  local deadline=$((SECONDS + ${CH_START_TIMEOUT:-60}))
  for i in 0 1; do
    local shard_dir="$dir/shard$((i + 1))"
    until answers "${http[$i]}"; do
      if ! kill -0 "$(cat "$shard_dir/pid")" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
        echo "clickhouse-cluster: shard $((i + 1)) (127.0.0.1:${http[$i]}) did not start; its log:" >&2
        tail -n 20 "$shard_dir/log/server.err.log" "$shard_dir/log/stderr.log" >&2 2>/dev/null || true
        stop
        exit 1
      fi
      sleep 0.1
    done
  done
  echo "clickhouse cluster 'spot' up: http://127.0.0.1:${http[0]} and http://127.0.0.1:${http[1]} (native ${tcp[0]}, ${tcp[1]})"
}

stop() {
  local pids=()
  for i in 0 1; do
    local pid_file="$dir/shard$((i + 1))/pid"
    [ -f "$pid_file" ] || continue
    local pid
    pid=$(cat "$pid_file")
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); fi
    rm -f "$pid_file"
  done
  local deadline=$((SECONDS + 30))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do
      if [ $SECONDS -ge $deadline ]; then kill -KILL "$pid" 2>/dev/null || true; fi
      sleep 0.1
    done
  done
}

case $action in
  start) start ;;
  stop) [ -d "$dir" ] || exit 0; dir=$(cd "$dir" && pwd); stop ;;
  *) usage ;;
esac
