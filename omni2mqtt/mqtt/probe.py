"""Blocking helpers for tools that start a broker: a free loopback port, "does MQTT answer?",
and a mosquitto of their own (the tests and the bench)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

# MQTT 3.1.1 CONNECT, clean session, client id "probe"; any broker answers with CONNACK (0x20).
_CONNECT = bytes.fromhex("101100044d5154540402003c000570726f6265")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def connack_received(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    """True once a broker on ``host:port`` answers a CONNECT (readiness without reading logs)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(_CONNECT)
            return sock.recv(4)[:1] == b"\x20"
    except OSError:
        return False


def start_mosquitto(conf: Path, port: int, extra: list[str]) -> subprocess.Popen[bytes]:
    """A mosquitto on loopback ``port`` without persistence, ``extra`` config lines added (written
    to ``conf``); returns once it answers a CONNECT."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    lines = [f"listener {port} 127.0.0.1", "persistence false", *extra]
    if os.geteuid() == 0:
        lines.append("user root")  # otherwise it drops privileges and exits
    conf.write_text("\n".join(lines) + "\n")
    process = subprocess.Popen(
        [binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 10
    while not connack_received(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError(f"mosquitto did not start on port {port}")
        time.sleep(0.02)
    return process
