#!/bin/sh
# Keeps the two pgbouncers pointed at the cluster's current roles (started in the background by
# cluster.sh start): pgbouncer-primary (55443) → the node the monitor reports primary, pgbouncer-standby
# (55444) → the secondary (the primary while there is none). Every half second it asks the monitor; on a
# change it rewrites the [databases] section and reloads pgbouncer (SIGHUP): server connections to the old
# node are closed as they are released, new ones go to the new node.
#
# Why not one pgbouncer per node and a multi-host URL with target_session_attrs=read-write: pgbouncer 1.18
# answers a new client with the server parameters it cached from its first server login, in_hot_standby
# among them, so after a failover libpq believes the promoted node's pgbouncer still fronts a standby
# ("session is read-only") and the dead node's pgbouncer a primary. Measured here; see README 集群运维.
set -u
DIR=$1; MONITOR_PORT=$2; DBNAME=$3
last=""
while :; do
    roles=$(psql -h 127.0.0.1 -p "$MONITOR_PORT" -U autoctl_node -d pg_auto_failover -tA -F ' ' -c "
        SELECT coalesce((SELECT nodeport FROM pgautofailover.node
                          WHERE reportedstate IN ('primary', 'wait_primary', 'single')
                            AND goalstate IN ('primary', 'wait_primary', 'single') ORDER BY nodeid LIMIT 1), 0),
               coalesce((SELECT nodeport FROM pgautofailover.node
                          WHERE reportedstate = 'secondary' AND goalstate = 'secondary' ORDER BY nodeid LIMIT 1), 0)
    " 2>/dev/null)
    set -- $roles
    primary=${1:-0}; standby=${2:-0}
    [ "$standby" = 0 ] && standby=$primary
    if [ "$primary" != 0 ] && [ "$primary $standby" != "$last" ]; then
        for role in primary standby; do
            port=$primary; [ $role = standby ] && port=$standby
            sed -i "/^; databases begin/,/^; databases end/c\\
; databases begin\\
$DBNAME = host=127.0.0.1 port=$port dbname=$DBNAME\\
postgres = host=127.0.0.1 port=$port dbname=postgres\\
* = host=127.0.0.1 port=$port\\
; databases end" "$DIR/pgbouncer-$role.ini"
            if [ -f "$DIR/pgbouncer-$role.pid" ]; then kill -HUP "$(cat "$DIR/pgbouncer-$role.pid")" 2>/dev/null; fi
        done
        echo "$(date '+%F %T') 主库 → $primary，备库 → $standby" >>"$DIR/follow-primary.log"
        last="$primary $standby"
    fi
    sleep 0.5
done
