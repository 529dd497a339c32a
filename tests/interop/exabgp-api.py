"""ExaBGP API process for the interop tests.

ExaBGP runs this with its API on our stdin/stdout.  Everything ExaBGP
reports (JSON, one object a line) is appended to LOG; every line written
to the FIFO is handed to ExaBGP as a command.  When ExaBGP goes away our
stdin closes and we exit with it.

usage: exabgp-api.py FIFO LOG
"""
import os
import sys
import threading


def relay_reports(log):
    with open(log, "a", buffering=1) as f:
        for line in sys.stdin:
            f.write(line)
    os._exit(0)


def main():
    fifo, log = sys.argv[1], sys.argv[2]
    threading.Thread(target=relay_reports, args=(log,), daemon=True).start()
    while True:
        # Each writer opens, writes its lines and closes: read to EOF,
        # then wait for the next one.
        with open(fifo) as f:
            for line in f:
                sys.stdout.write(line)
                sys.stdout.flush()


if __name__ == "__main__":
    main()
