"""Blocking helpers for tools that start a broker: a free loopback port, and "does MQTT answer?"."""

from __future__ import annotations

import socket

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
