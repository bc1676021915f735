"""``gladi serve --https``: Gladi's own certificate, the pages and the drill over TLS."""

from __future__ import annotations

import asyncio
import datetime
import os
import re
import ssl
import stat
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509
from websockets.asyncio.client import connect

from server.tls import CERT_NAME, certificate, fingerprint
from simulator.drill import DrillLink, LinkState

from .helpers import Client
from .serverproc import free_port, gladi_serve, kill


def _names(cert_path: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(n.value) for n in alt}


def test_the_certificate_is_made_once_and_again_for_a_new_address(tmp_path: Path) -> None:
    cert, key = certificate(tmp_path, ["localhost", "127.0.0.1"])
    assert _names(cert) == {"localhost", "127.0.0.1"}
    if os.name == "posix":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600  # the key is the laptop's own
    first = fingerprint(cert)
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", first)
    assert fingerprint(certificate(tmp_path, ["127.0.0.1"])[0]) == first  # kept: browsers
    # A new network address: a new certificate that still names the old ones.
    cert, _ = certificate(tmp_path, ["localhost", "192.168.43.120"])
    assert fingerprint(cert) != first
    assert _names(cert) == {"localhost", "127.0.0.1", "192.168.43.120"}
    # Close to its end, it is made again.
    second = fingerprint(cert)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=820)
    assert fingerprint(certificate(tmp_path, ["localhost"], now=later)[0]) != second


def test_a_broken_certificate_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / CERT_NAME).write_text("not a certificate", encoding="utf-8")
    (tmp_path / "gladi-key.pem").write_text("nor a key", encoding="utf-8")
    cert, _ = certificate(tmp_path, ["localhost"])
    assert _names(cert) == {"localhost"}


def test_serve_https_serves_the_pages_and_the_drill_over_tls(tmp_path: Path) -> None:
    port = free_port()
    proc = gladi_serve(tmp_path, port, "--https")
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "Trainer key" in line:
                break
        text = "".join(lines)
        cert = tmp_path / "tls" / CERT_NAME
        assert f"https://127.0.0.1:{port}/?room=" in text
        assert fingerprint(cert) in text and "warn" in text  # the browser warning, said
        code = re.search(r"enter code (\d{6})", text)
        key = re.search(r"Trainer key \(keep it secret\): (\S+)", text)
        assert code and key, text
        trusted = ssl.create_default_context(cafile=str(cert))
        with urllib.request.urlopen(f"https://127.0.0.1:{port}/", context=trusted,
                                    timeout=10) as page:
            assert b"video.js" in page.read()
        with pytest.raises(urllib.error.URLError):  # a client that does not know the cert
            urllib.request.urlopen(f"https://127.0.0.1:{port}/", timeout=10)

        async def over_tls() -> None:
            ws = await connect(f"wss://127.0.0.1:{port}/ws", ssl=trusted, max_queue=None)
            trainer = Client(ws)
            welcome = await trainer.join(code.group(1), role="trainer", key=key.group(1),
                                         v=2)
            assert welcome["type"] == "welcome"
            # The desktop app joins as the host over wss as well.
            link = DrillLink(f"wss://127.0.0.1:{port}/ws", code.group(1), "Bu Sari", "en",
                             publish=False).start()
            try:
                await trainer.until(lambda m: m["type"] == "seats" and any(
                    s["role"] == "host" and s["online"] for s in m["seats"]), timeout=20)

                async def joined() -> None:  # the link's own thread reads the welcome
                    while link.state is not LinkState.JOINED:
                        await asyncio.sleep(0.05)
                await asyncio.wait_for(joined(), 20)
            finally:
                await asyncio.to_thread(link.stop)
                await trainer.close()
        asyncio.run(asyncio.wait_for(over_tls(), 60))
    finally:
        kill(proc)
