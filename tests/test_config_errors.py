"""Configuration error messages: they name the key and the problem, never a secret value."""

from __future__ import annotations

from pathlib import Path

import pytest

from omni2mqtt.config import ConfigError
from omni2mqtt.config_loader import SettingsLoader

from .test_config import KEY, MINIMAL, PASSWORD, SECRET_KEY, error


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("port: 4369", "port: 70000", "panels.0.port: must be <= 65535"),
        ("port: 4369", "port: many", "panels.0.port: must be a whole number"),
        (
            "url: mqtt://127.0.0.1:1883",
            "url: tcp://127.0.0.1",
            "mqtt.url: must look like mqtt://host:1883 or mqtts://host:8883",
        ),
        (
            "url: mqtt://127.0.0.1:1883",
            f"url: mqtt://user:{PASSWORD}@127.0.0.1",
            "mqtt.url: must not contain credentials: use mqtt.username and mqtt.password",
        ),
        (
            f"controller_key: {KEY}",
            f"controller_key: {SECRET_KEY[:-1]}x",
            "panels.0.controller_key: controller key must contain only hex digits",
        ),
        (
            f"controller_key: {KEY}",
            f"controller_key: {SECRET_KEY}00",
            "panels.0.controller_key: controller key must be 32 hex digits",
        ),
        (
            f"controller_key: {KEY}",
            "controller_key: 12345678901234567890123456789012",
            "panels.0.controller_key: YAML read the key as a number: put it in quotes",
        ),
        (
            f"    controller_key: {KEY}\n",
            "",
            "panels.0.controller_key: required (or give controller_key_file)",
        ),
        ("id: house", "id: My House", "panels.0.id: must be a slug"),
        ("    host: 192.168.1.50\n", "", "panels.0.host: required"),
        ("name: House", "nmae: House", "panels.0.nmae: unknown key"),
        ("base_topic: omni2mqtt", "base_topic: a/#", "mqtt.base_topic: must be a topic"),
        ("mqtt:\n", "mqtt:\n  qos: 3\n", "mqtt.qos: must be one of 0, 1 or 2"),
        ("mqtt:\n", "mqtt:\n  tls:\n    ca_file: /no/such/ca.pem\n", "mqtt.tls.ca_file: "),
        ("mqtt:\n", "mqtt:\n  keepalive: 1\n", "mqtt.keepalive: must be >= 5"),
        (
            "mqtt:\n",
            "mqtt:\n  reconnect_min_delay: 9\n  reconnect_max_delay: 2\n",
            "mqtt.reconnect_max_delay: must be >= reconnect_min_delay",
        ),
        ("mqtt:\n", "mqtt:\n  password: 12345\n", "mqtt.password: must be text"),
        ("panels:\n", "log_level: loud\npanels:\n", "log_level: must be one of 'debug'"),
        ("panels:\n", "mqtt_url: x\npanels:\n", "mqtt_url: unknown key"),
        (
            "    port: 4369\n",
            "    port: 4369\n    include: {zones: [1]}\n",
            "panels.0.include: 'zones' is not allowed here: must be one of 'area'",
        ),
    ],
)
def test_invalid_values(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in MINIMAL
    assert expected in error(tmp_path, MINIMAL.replace(old, new, 1))


def test_structural_errors(tmp_path: Path) -> None:
    two = MINIMAL + f"  - id: house\n    host: h\n    controller_key: {KEY}\n"
    assert error(tmp_path, two) == "panels: id 'house' is used twice"
    assert error(tmp_path, "panels: []\n") == "panels: at least one panel is needed"
    assert error(tmp_path, "panels: {id: house}\n") == "panels: must be a list"
    assert error(tmp_path, "mqtt: x\npanels: []\n").startswith("mqtt: must be a mapping")
    path = tmp_path / "config.yaml"
    assert error(tmp_path, "- just\n- a list\n") == (
        f"{path}: must be a mapping of keys (mqtt:, panels:, ...), not list"
    )
    several = MINIMAL.replace("port: 4369", "port: 0").replace("id: house", "id: House")
    assert error(tmp_path, several) == (
        "panels.0.id: must be a slug: lower-case letters, digits, '_' or '-'; "
        "panels.0.port: must be >= 1"
    )


def test_missing_and_broken_files(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match=r"nope\.yaml: no such file"):
        SettingsLoader({}).load(missing)
    broken = MINIMAL.replace(f"controller_key: {KEY}", f"controller_key: [{SECRET_KEY}")
    message = error(tmp_path, broken)
    assert message.startswith(f"{tmp_path / 'config.yaml'}: not valid YAML: ")
    assert "line" in message
    with pytest.raises(ConfigError, match="is a directory"):
        SettingsLoader({}).load(tmp_path)
