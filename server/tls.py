"""A self-signed certificate for ``gladi serve --https`` (docs/install.md, "The host's camera
from a browser").

Browsers give a page the camera only in a secure context: ``https://`` or the machine's
own ``localhost`` (https://developer.mozilla.org/en-US/docs/Web/Security/Secure_Contexts).
A drill has no internet and no domain name, so no certificate authority can vouch for
the laptop: Gladi makes its own certificate, for the laptop's addresses, and keeps it in
the data folder so that a browser which accepted it once keeps accepting it. Browsers
warn about a certificate nobody vouches for; the trainer's documentation says so.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import os
import ssl
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

__all__ = ["CERT_NAME", "KEY_NAME", "certificate", "fingerprint", "server_context"]

CERT_NAME = "gladi-cert.pem"
KEY_NAME = "gladi-key.pem"
#: A certificate lives this long; a new one is made when less than RENEW is left.
VALID = datetime.timedelta(days=825)
RENEW = datetime.timedelta(days=30)


def _alt_names(names: Iterable[str]) -> list[x509.GeneralName]:
    out: list[x509.GeneralName] = []
    for name in dict.fromkeys(n.strip().lower() for n in names if n.strip()):
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            out.append(x509.DNSName(name))
    return out


def _covers(cert: x509.Certificate, names: Iterable[str], now: datetime.datetime) -> bool:
    """Does ``cert`` name every one of ``names`` and stay valid for a while yet?"""
    try:
        have = set(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    except x509.ExtensionNotFound:
        return False
    return set(_alt_names(names)) <= have and cert.not_valid_after_utc - now > RENEW


def _make(names: list[str], now: datetime.datetime) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Gladi drill server"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Gladi")])
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + VALID)
            .add_extension(x509.SubjectAlternativeName(_alt_names(names)), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def certificate(folder: Path, names: Iterable[str],
                now: datetime.datetime | None = None) -> tuple[Path, Path]:
    """The certificate and key files in ``folder`` for ``names`` (host names and IP
    addresses): the ones kept there if they still cover every name, else new ones."""
    wanted = list(names)
    when = now or datetime.datetime.now(datetime.UTC)
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    if cert_path.exists() and key_path.exists():
        try:
            kept = x509.load_pem_x509_certificate(cert_path.read_bytes())
            if _covers(kept, wanted, when):
                return cert_path, key_path
            wanted = [*wanted, *(str(n.value) for n in kept.extensions.get_extension_for_class(
                x509.SubjectAlternativeName).value)]  # keep the addresses it had too
        except (ValueError, x509.ExtensionNotFound):
            pass  # unreadable: make a new one
    folder.mkdir(parents=True, exist_ok=True)
    cert_pem, key_pem = _make(wanted, when)
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key_pem)
    cert_path.write_bytes(cert_pem)
    return cert_path, key_path


def fingerprint(cert_path: Path) -> str:
    """The certificate's SHA-256 fingerprint as browsers show it (``AB:CD:…``)."""
    der = x509.load_pem_x509_certificate(cert_path.read_bytes()).public_bytes(
        serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def server_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    """A TLS server context with the certificate (TLS 1.2 or newer)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context
