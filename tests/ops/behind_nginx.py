"""nginx in front of an installed Transom, configured from docs/nginx-transom.conf
with the test's ports and a self-signed certificate made here."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.ops.installed import REPO

SITE = REPO / "docs" / "nginx-transom.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MAIN = """
daemon off;
user root;
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {run}/access.log;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    include {run}/transom.conf;
}}
"""


def nginx_available() -> bool:
    return Path(NGINX).exists()


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1, and its key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def trusting(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))


def site_config(backend: int, http_port: int, tls_port: int, run: Path) -> str:
    """The documented site with this test's ports and certificate."""
    text = SITE.read_text()
    for documented, ours in (
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{backend};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{tls_port} ssl;"),
        ("/etc/ssl/transom/", f"{run}/"),
    ):
        assert documented in text, f"{SITE.name} no longer says {documented!r}"
        text = text.replace(documented, ours)
    return text


@contextmanager
def nginx(backend: int, http_port: int, tls_port: int, run: Path) -> Iterator[None]:
    """nginx serving the documented site until the block ends, with the
    certificate :func:`self_signed` made in ``run``."""
    (run / "transom.conf").write_text(site_config(backend, http_port, tls_port, run))
    (run / "nginx.conf").write_text(MAIN.format(run=run))
    process = subprocess.Popen(
        [NGINX, "-c", str(run / "nginx.conf"), "-p", str(run)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_port(tls_port, process, run)
        yield
    finally:
        process.terminate()
        process.wait(timeout=15)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], run: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = (
                (run / "error.log").read_text() if (run / "error.log").exists() else ""
            )
            raise RuntimeError(f"nginx exited: {process.stderr.read()!r} {errors}")  # type: ignore[union-attr]
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError("nginx did not listen within 20 s")
