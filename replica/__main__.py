"""Serve the replica: python -m replica --articles 10000 --seed 1 --port 0

Prints the base URL and the section's start URL, then serves until stopped.
"""

import argparse
import contextlib
import threading

from replica.server import ReplicaServer, ReplicaSite


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m replica", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="how many articles (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the content (default 1)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args()
    with ReplicaServer(ReplicaSite(args.articles, args.seed), args.host, args.port) as server:
        print(f"base_url {server.base_url}", flush=True)
        print(f"home_url {server.home_url}", flush=True)
        print(f"start_url {server.start_url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
