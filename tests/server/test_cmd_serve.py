"""``gladi serve``: prints the join code, URL, QR code and trainer key, then serves."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path

from gladi.cli import main
from gladi.cmd_serve import lan_address, qr_text

from .day_helpers import DayClient
from .helpers import Client
from .serverproc import free_port, gladi_serve, kill


def test_serve_prints_how_to_join_and_the_key_works(tmp_path: Path) -> None:
    port = free_port()
    proc = gladi_serve(tmp_path, port)
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "Scan this QR code" in line:
                break
        lines += [proc.stdout.readline() for _ in range(5)]
        text = "".join(lines)
        code = re.search(r"enter code (\d{6})", text)
        key = re.search(r"Trainer key \(keep it secret\): (\S+)", text)
        assert code and key, text
        assert f"http://127.0.0.1:{port}/?room={code.group(1)}" in text
        assert "█" in text or "▀" in text or "▄" in text  # the QR code

        day_key = re.search(r"Organiser key \(keep it secret\): (\S+)", text)
        assert day_key and f"http://127.0.0.1:{port}/day#key={day_key.group(1)}" in text

        async def trainer_connects() -> None:
            # The banner is printed once the port is open.
            client = await Client.open(f"ws://127.0.0.1:{port}/ws")
            welcome = await client.join(code.group(1), role="trainer", key=key.group(1))
            assert welcome["type"] == "welcome" and welcome["role"] == "trainer"
            await client.close()
            # The organiser's key opens the training-day overview, with this room on it.
            assert day_key is not None
            day = await DayClient.open(port, day_key.group(1))
            assert [r["code"] for r in day.received[0]["rooms"]] == [code.group(1)]
            await day.close()
        asyncio.run(asyncio.wait_for(trainer_connects(), 30))
    finally:
        kill(proc)
    assert (tmp_path / "gladi-server.sqlite3").exists()


def test_unknown_scenario_is_a_user_error(tmp_path: Path, capsys: object) -> None:
    status = main(["--lang", "en", "serve", "--scenario", "no-such-scenario",
                   "--data", str(tmp_path), "--port", "1"])
    assert status == 2


def test_a_redis_server_that_cannot_be_reached_is_a_user_error(tmp_path: Path) -> None:
    status = main(["--lang", "en", "serve", "--redis", f"redis://127.0.0.1:{free_port()}/0",
                   "--data", str(tmp_path), "--host", "127.0.0.1", "--port", "0"])
    assert status == 2


def test_lan_address_and_qr() -> None:
    address = lan_address()
    socket.inet_aton(address)  # an IPv4 address
    assert qr_text("http://192.168.1.2:8765/?room=123456").count("\n") > 10
