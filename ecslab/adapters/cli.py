"""The ``ecslab`` command: ``serve``, ``env``, ``advance``, ``now``.

ecslab serve [--port 4566] [--host 127.0.0.1] [--region ap-east-1] [--seed N]
             [--state FILE] [--clock manual|realtime] [--speed X]
eval "$(ecslab env)"          # point this shell's aws CLI / boto3 at the lab
ecslab advance 5m             # move the simulated clock (manual clock)

``advance`` and ``now`` talk to the lab that ``AWS_ENDPOINT_URL`` points at (after
``eval "$(ecslab env --port N)"``) unless ``--port`` / ``--host`` say otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from .server import LOOPBACK, UNSET, LabServer, client_environment

__all__ = ["main"]

DEFAULT_PORT = 4566
DEFAULT_REGION = "ap-east-1"


def _exports(env: dict[str, str]) -> str:
    lines = [f"unset {' '.join(UNSET)}"]
    lines += [f"export {k}={shlex.quote(v)}" for k, v in env.items()]
    return "\n".join(lines)


def _control(host: str, port: int, name: str, body: dict | None = None) -> dict[str, Any]:
    """Call the running server's ``/_ecslab/<name>``; SystemExit with a clear message on failure."""
    url = f"http://{host}:{port}/_ecslab/{name}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    req.add_header("Content-Type", "application/json")
    try:
        with _opener().open(req, timeout=30) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as e:
        try:
            msg = json.loads(e.read()).get("message")
        except ValueError:
            msg = str(e)
        raise SystemExit(f"ecslab: {msg}") from None
    except OSError:
        raise SystemExit(
            f"ecslab: nothing answers on http://{host}:{port} (start it with: ecslab serve --port {port})"
        ) from None


def _opener() -> urllib.request.OpenerDirector:
    # Never send the lab's control calls through a proxy from the environment.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


# -- commands ----------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from ..lab import Lab

    if args.host not in LOOPBACK:
        print(
            f"ecslab: WARNING: serving on {args.host}, not 127.0.0.1: anyone who can reach this "
            "address can call the lab and its control endpoint (no real authentication).",
            file=sys.stderr,
        )
    state = Path(args.state) if args.state else None
    try:
        if state is not None and state.exists() and state.stat().st_size > 0:
            lab = Lab.load(state)
            for flag, have in (("region", lab.region), ("seed", lab.seed)):
                given = getattr(args, flag)
                if given is not None and given != have:
                    print(
                        f"ecslab: --{flag} {given} ignored: {state} holds a lab with {flag} {have}",
                        file=sys.stderr,
                    )
        else:
            lab = Lab(region=args.region or DEFAULT_REGION, seed=args.seed or 0)
    except Exception as e:  # a corrupt or incompatible state file: say so, no traceback
        print(f"ecslab: cannot load {state}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    try:
        server = LabServer(
            lab,
            host=args.host,
            port=args.port,
            state=state,
            clock=args.clock,
            speed=args.speed,
            verbose=args.verbose,
        )
    except OSError as e:
        print(
            f"ecslab: cannot listen on {args.host}:{args.port}: {e.strerror or e} "
            "(is another ecslab serve running? pick another --port)",
            file=sys.stderr,
        )
        return 1
    except ValueError as e:
        print(f"ecslab: {e}", file=sys.stderr)
        return 2

    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    server.start()
    clock = "manual clock" if args.clock == "manual" else f"realtime clock x{args.speed:g}"
    print(
        f"# ecslab: region {lab.region}, account {lab.account_id}, seed {lab.seed}, {clock}, "
        f"time {lab.now.isoformat()}" + (f", state {state}" if state else ""),
        f"# serving {server.url}  (Ctrl-C to stop)",
        f'# In another shell:  eval "$(ecslab env --port {server.port})"   or paste:',
        _exports(server.environment()),
        sep="\n",
        flush=True,
    )
    while not stop.wait(1.0):
        pass
    server.stop()
    tail = f"; saved {len(lab.log)} events to {state}" if state else ""
    print(f"# ecslab: stopped at {lab.now.isoformat()}{tail}", flush=True)
    return 0


def cmd_env(args: argparse.Namespace) -> int:
    region = args.region
    if region is None:
        try:
            region = _control(args.host, args.port, "now")["region"]
        except SystemExit:
            region = DEFAULT_REGION
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(_exports(client_environment(f"http://{host}:{args.port}", region)))
    return 0


def _served(args: argparse.Namespace) -> tuple[str, int]:
    """(host, port) of the lab to control: --host/--port if given, else the loopback endpoint
    AWS_ENDPOINT_URL names (what `eval "$(ecslab env --port N)"` exported), else the default."""
    if args.port is not None:
        return args.host or "127.0.0.1", args.port
    url = urllib.parse.urlsplit(os.environ.get("AWS_ENDPOINT_URL", ""))
    if url.scheme == "http" and url.hostname in LOOPBACK and url.port and args.host is None:
        return url.hostname, url.port
    return args.host or "127.0.0.1", DEFAULT_PORT


def cmd_advance(args: argparse.Namespace) -> int:
    out = _control(*_served(args), "advance", {"by": args.duration})
    print(out["now"])
    return 0


def cmd_act(args: argparse.Namespace) -> int:
    try:
        action_args = json.loads(args.args) if args.args else {}
    except ValueError as e:
        raise SystemExit(f"ecslab: the arguments must be a JSON object: {e}") from None
    out = _control(*_served(args), "act", {"action": args.action, "args": action_args})
    print(json.dumps(out["result"]))
    return 0


def cmd_now(args: argparse.Namespace) -> int:
    out = _control(*_served(args), "now")
    print(out["now"])
    return 0


# -- argument parsing ---------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ecslab", description="A simulated AWS account for learning Amazon ECS."
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def endpoint(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--port", type=int, default=DEFAULT_PORT, help="default %(default)s")
        sp.add_argument("--host", default="127.0.0.1", help="default %(default)s")

    s = sub.add_parser("serve", help="serve a lab on a local AWS endpoint for the aws CLI / boto3")
    endpoint(s)
    s.add_argument("--region", default=None, help=f"default {DEFAULT_REGION}")
    s.add_argument("--seed", type=int, default=None, help="default 0")
    s.add_argument("--state", metavar="FILE", help="load the lab from FILE and save it there")
    s.add_argument("--clock", choices=("manual", "realtime"), default="manual")
    s.add_argument(
        "--speed", type=float, default=1.0, help="realtime: simulated seconds per second"
    )
    s.add_argument("--verbose", "-v", action="store_true", help="log every request")
    s.set_defaults(fn=cmd_serve)

    e = sub.add_parser("env", help='print exports for: eval "$(ecslab env)"')
    endpoint(e)
    e.add_argument("--region", default=None, help="default: the running server's")
    e.set_defaults(fn=cmd_env)

    def served(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--port", type=int, default=None, help="default: AWS_ENDPOINT_URL's, or 4566"
        )
        sp.add_argument("--host", default=None, help="default 127.0.0.1")

    a = sub.add_parser("advance", help="move the served lab's clock forward, e.g. 5m or 90s")
    a.add_argument("duration")
    served(a)
    a.set_defaults(fn=cmd_advance)

    c = sub.add_parser(
        "act", help="run a lab action on the served lab, e.g. set_load '{\"cluster\": ...}'"
    )
    c.add_argument("action")
    c.add_argument("args", nargs="?", default="", help="the action's arguments as a JSON object")
    served(c)
    c.set_defaults(fn=cmd_act)

    n = sub.add_parser("now", help="print the served lab's simulated time")
    served(n)
    n.set_defaults(fn=cmd_now)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.fn(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
