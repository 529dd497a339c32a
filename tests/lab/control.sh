#!/usr/bin/env bash
# The control socket's answers arrive whole or are reported cut short:
# tests/lab/ctl_slow_reader.c runs the router's socket server and client
# against a reader slower than the server's timeout and a server that
# stops before its end record.
set -u
AL=${ANYCASTLAB:-$(cd "$(dirname "$0")/../.." && pwd)/build/anycastlab}
exec "$(dirname "$AL")/tests/lab/ctl_slow_reader"
