"""``gladi serve``: the multi-seat drill server for a room of phones."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import ssl
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from debrief.errors import UserError
from debrief.scenario_text import describe_scenario_error
from i18n import translate

if TYPE_CHECKING:
    from server.app import DrillServer
    from server.store import Store
    from server.video.network import RtcNetwork

DEFAULT_SCENARIO = "live-pertama"
DEFAULT_HOST = "0.0.0.0"
DEFAULT_PORT = 8765


def register(subparsers: Any, lang: str) -> None:
    """Add the ``serve`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve", help=translate("serve.help", lang),
        description=translate("serve.description", lang))
    parser.add_argument("--scenario", help=translate("serve.scenario_help", lang,
                                                     default=DEFAULT_SCENARIO))
    parser.add_argument("--seed", type=int, default=1, help=translate("serve.seed_help", lang))
    parser.add_argument("--host", default=DEFAULT_HOST, help=translate("serve.host_help", lang,
                                                                default=DEFAULT_HOST))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=translate("serve.port_help", lang, default=DEFAULT_PORT))
    parser.add_argument("--data", type=Path, default=None, help=translate("serve.data_help", lang))
    parser.add_argument("--https", action="store_true",
                        help=translate("serve.https_help", lang))
    parser.add_argument("--redis", metavar="URL", default=None,
                        help=translate("serve.redis_help", lang))
    parser.add_argument("--worker", default=None, help=translate("serve.worker_help", lang))
    parser.add_argument("--redis-ephemeral", action="store_true",
                        help=translate("serve.redis_ephemeral_help", lang))
    parser.add_argument("--rtc-ports", metavar=translate("serve.rtc_ports_metavar", lang),
                        type=lambda text: _ports(text, lang), default=None,
                        help=translate("serve.rtc_ports_help", lang))
    parser.set_defaults(run=run)


def _ports(text: str, lang: str) -> tuple[int, int]:
    """``--rtc-ports``: a range such as 50000-50100, or a message that says what to write."""
    from server.video.network import parse_ports

    try:
        return parse_ports(text)
    except ValueError:
        raise argparse.ArgumentTypeError(translate("serve.rtc_ports_bad", lang,
                                                   given=text)) from None


def _network(args: argparse.Namespace) -> RtcNetwork:
    """Where the video listens: ``--host``'s address (every one for 0.0.0.0), ``--rtc-ports``."""
    from server.video.network import RtcNetwork, listen_address

    return RtcNetwork(listen_address(args.host), args.rtc_ports)


def lan_address() -> str:
    """This machine's address on the local network, as phones on the hotspot see it.

    Connecting a UDP socket only picks a route; it sends nothing.
    """
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("10.254.254.254", 9))
        address: str = s.getsockname()[0]
        if not address.startswith("0."):
            return address
    with contextlib.suppress(OSError):
        return socket.gethostbyname(socket.gethostname())
    return "127.0.0.1"


def qr_text(url: str) -> str:
    """The join URL as a QR code drawn with block characters for the terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def _default_data() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("gladi", appauthor=False)) / "server"


def run(args: argparse.Namespace) -> int:
    """Restore the training day's rooms or make the first one, print how to join, and serve
    until Ctrl+C."""
    lang: str = args.lang
    from scenarios import ScenarioError
    from server.app import DrillServer
    from server.store import Store

    data: Path = args.data or _default_data()
    try:
        store = Store(data)
    except Exception as exc:  # sqlite3.Error or OSError: either way the folder is unusable
        raise UserError(translate("serve.cannot_open_data", lang, path=data, reason=exc)) from None
    ref = args.scenario or DEFAULT_SCENARIO
    if args.redis is not None:
        if args.https:
            store.close()
            raise UserError(translate("serve.https_with_redis", lang))
        return _run_worker(args, store, ref, data)
    server = DrillServer(store, join_base=_base_url(args), scenarios=[ref], rtc=_network(args))
    try:
        rooms = server.restore()
        if rooms:
            print(translate("serve.restored", lang, path=store.path, count=len(rooms)))
        if not rooms:  # a restart carries on with the unfinished drill
            rooms.append(server.new_room(ref, args.seed))
    except ScenarioError as error:
        raise UserError(describe_scenario_error(error, args.lang)) from None

    server.tls = _tls(args, data) if args.https else None

    return _serve(args, store, server, lambda: _print_rooms(args, rooms, data, server.day_key))


def _serve(args: argparse.Namespace, store: Store, server: DrillServer,
           announce: Callable[[], None]) -> int:
    """Run ``server`` until Ctrl+C, calling ``announce`` once it listens; close ``store``."""
    lang: str = args.lang

    async def serve_forever() -> None:
        started: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(server.run(args.host, args.port, started))
        await asyncio.wait({started, task}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            await task  # it failed to listen: raise the error
        announce()
        await task

    try:
        asyncio.run(serve_forever())
    except OSError as exc:
        raise UserError(translate("serve.cannot_listen", lang, host=args.host, port=args.port,
                                  reason=exc.strerror or exc)) from None
    except KeyboardInterrupt:
        print(translate("serve.stopped", lang))
    finally:
        store.close()
    return 0


def _run_worker(args: argparse.Namespace, store: Store, ref: str, data: Path) -> int:
    """``--redis``: serve as one worker of a cluster (server/cluster.py) until Ctrl+C."""
    lang: str = args.lang
    from redis.exceptions import RedisError

    from scenarios import ScenarioError, load_scenario
    from server.app import DrillServer
    from server.cluster import NotDurable, RedisCluster

    try:
        load_scenario(ref)
    except ScenarioError as error:
        raise UserError(describe_scenario_error(error, lang)) from None
    base = _base_url(args)
    cluster = RedisCluster(args.redis, worker=args.worker, first_scenario=ref, seed=args.seed,
                           advertise=base.replace("http://", "ws://", 1) + "/ws",
                           ephemeral=args.redis_ephemeral)
    server = DrillServer(store, join_base=base, scenarios=[ref], placement=cluster,
                         journals=cluster, rtc=_network(args))

    def announce() -> None:
        print(translate("serve.worker_line", lang, worker=cluster.worker,
                        count=len(server.rooms)))
        _print_rooms(args, list(server.rooms.values()), data, server.day_key)

    try:
        return _serve(args, store, server, announce)
    except NotDurable:
        raise UserError(translate("serve.redis_not_durable", lang, url=args.redis)) from None
    except (RedisError, ValueError) as exc:
        raise UserError(translate("serve.cannot_reach_redis", lang, url=args.redis,
                                  reason=exc)) from None


def _shown_host(args: argparse.Namespace) -> str:
    """The address phones use: this machine's LAN address when listening on every interface."""
    return "127.0.0.1" if args.host in ("127.0.0.1", "localhost") else \
        (lan_address() if args.host in ("0.0.0.0", "", "::") else args.host)


def _base_url(args: argparse.Namespace) -> str:
    scheme = "https" if getattr(args, "https", False) else "http"
    return f"{scheme}://{_shown_host(args)}:{args.port}"


def _tls(args: argparse.Namespace, data: Path) -> ssl.SSLContext:
    """``--https``: the TLS context with Gladi's own certificate for this laptop's addresses
    (made once, kept in the data folder); its fingerprint is printed for the browser warning."""
    from server.tls import certificate, fingerprint, server_context

    names = ["localhost", "127.0.0.1", _shown_host(args)]
    try:
        cert, key = certificate(data / "tls", names)
        context = server_context(cert, key)
    except (OSError, ValueError) as exc:
        raise UserError(translate("serve.https_failed", args.lang, reason=exc)) from None
    print(translate("serve.https_line", args.lang, path=cert, fingerprint=fingerprint(cert)))
    return context


def _print_rooms(args: argparse.Namespace, rooms: list[Any], data: Path, day_key: str) -> None:
    """How to join, once the port is open: code, URL, QR code and the trainer key; and the
    training-day overview with the organiser's key, to make and watch more rooms."""
    base = _base_url(args)
    lang = args.lang
    print(translate("serve.banner", lang))
    print(translate("serve.data_line", lang, path=data))
    ports = getattr(args, "rtc_ports", None)
    print(translate("serve.video_ports_line", lang, low=ports[0], high=ports[1]) if ports
          else translate("serve.video_any_port_line", lang))
    print(translate("serve.day_line", lang, url=f"{base}/day#key={day_key}"))
    print(translate("serve.day_key_line", lang, key=day_key))
    for room in rooms:
        join = f"{base}/?room={room.code}"
        print()
        print(translate("serve.room_line", lang, code=room.code,
                        scenario=room.scenario.title.get(lang), status=room.status))
        print(translate("serve.join_line", lang, url=join, code=room.code))
        print(translate("serve.trainer_line", lang, url=f"{base}/trainer?room={room.code}#key="
                f"{room.trainer_key}"))
        print(translate("serve.key_line", lang, key=room.trainer_key))
        qr = qr_text(join)
        try:  # an old Windows console code page cannot draw the block characters
            qr.encode(sys.stdout.encoding or "utf-8")
        except (UnicodeEncodeError, LookupError):
            continue
        print(translate("serve.qr_caption", lang))
        print(qr, flush=True)
