"""The Home Assistant add-on: its files, and options.json -> Settings against a fake Supervisor."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from omni2mqtt import __version__
from omni2mqtt.addon import (
    AddonError,
    BrokerService,
    fetch_mqtt_service,
    run_addon,
    settings_from_options,
)
from omni2mqtt.cli import build_parser, main
from omni2mqtt.config import SLUG

from .fake_supervisor import TOKEN, FakeSupervisor, running

ROOT = Path(__file__).resolve().parent.parent
ADDON = ROOT / "addon"
KEY = "00112233445566778899aabbccddeeff"
SERVICE = {
    "addon": "core_mosquitto",
    "host": "core-mosquitto",
    "port": 1883,
    "ssl": False,
    "protocol": "3.1.1",
    "username": "addons",
    "password": "service-password-xyz",
}
PANEL = {
    "id": "house",
    "name": "House",
    "host": "192.168.1.50",
    "port": 4369,
    "controller_key": KEY,
}


def options(**overrides: Any) -> dict[str, Any]:
    return {"panels": [dict(PANEL)], "mqtt": {}, "log_level": "info", **overrides}


@pytest.fixture
def supervisor() -> Iterator[FakeSupervisor]:
    with running(FakeSupervisor(service=dict(SERVICE))) as fake:
        yield fake


def from_supervisor(fake: FakeSupervisor, token: str | None = TOKEN) -> BrokerService:
    return fetch_mqtt_service(fake.url, token, timeout=5)


# -- the add-on's files --------------------------------------------------------------------------


def addon_config() -> dict[str, Any]:
    data = yaml.safe_load((ADDON / "config.yaml").read_text())
    assert isinstance(data, dict)
    return data


def test_addon_config() -> None:
    config = addon_config()
    assert config["version"] == __version__
    assert config["slug"] == "omni2mqtt"
    assert {"name", "description", "arch"} <= set(config)
    assert "mqtt:need" in config["services"]
    assert config["init"] is False
    build = yaml.safe_load((ADDON / "build.yaml").read_text())
    assert set(build["build_from"]) == set(config["arch"])
    assert set(config["arch"]) <= {"aarch64", "amd64", "armhf", "armv7", "i386"}
    schema = config["schema"]
    assert schema["panels"][0]["controller_key"] == "password"
    assert schema["mqtt"]["password"] == "password?"
    assert schema["log_level"] == "list(debug|info|warning|error)"
    # The id check in the add-on UI is the configuration's own slug rule.
    assert schema["panels"][0]["id"] == f"match({SLUG.pattern})"
    # Every option has a schema entry, and the defaults validate once a user fills them in.
    defaults = config["options"]
    assert set(defaults) == set(schema)
    assert set(defaults["panels"][0]) == set(schema["panels"][0])
    filled = {
        **defaults,
        "panels": [{**defaults["panels"][0], "host": "10.0.0.2", "controller_key": KEY}],
    }
    filled["mqtt"] = {"url": "mqtt://10.0.0.3:1883"}
    settings, _ = settings_from_options(filled, lambda: pytest.fail("no Supervisor call"))
    assert settings.panels[0].host == "10.0.0.2"


def test_addon_dockerfile_and_repository() -> None:
    text = (ADDON / "Dockerfile").read_text()
    assert re.search(r"^ARG BUILD_FROM$", text, re.M) and "FROM ${BUILD_FROM}" in text
    assert "omni2mqtt==${BUILD_VERSION}" in text
    command = json.loads(re.findall(r"^CMD (.*)$", text, re.M)[-1])
    assert command[0] == "omni2mqtt"
    assert build_parser().parse_args(command[1:]).handler is run_addon
    for name in ("DOCS.md", "CHANGELOG.md", "translations/en.yaml"):
        assert (ADDON / name).is_file()
    assert __version__ in (ADDON / "CHANGELOG.md").read_text()
    translations = yaml.safe_load((ADDON / "translations" / "en.yaml").read_text())
    assert set(translations["configuration"]) == set(addon_config()["schema"])
    assert yaml.safe_load((ROOT / "repository.yaml").read_text())["name"]
    # The Supervisor takes every config.yaml in the repository for an add-on's.
    found = [
        p.relative_to(ROOT).as_posix()
        for p in ROOT.rglob("config.yaml")
        if not any(part.startswith(".") for part in p.relative_to(ROOT).parts)
    ]
    assert found == ["addon/config.yaml"]


# -- options.json -> Settings ------------------------------------------------------------------


def test_broker_from_the_supervisor(supervisor: FakeSupervisor, tmp_path: Path) -> None:
    settings, line = settings_from_options(options(), lambda: from_supervisor(supervisor), tmp_path)
    assert settings.mqtt.url == "mqtt://core-mosquitto:1883"
    assert settings.mqtt.username == "addons"
    assert settings.mqtt.password is not None
    assert settings.mqtt.password.get_secret_value() == "service-password-xyz"
    assert settings.cache_dir == tmp_path / "cache"
    assert settings.panels[0].key_bytes().hex() == KEY
    assert line == "MQTT broker core-mosquitto:1883 from the Supervisor's MQTT service as addons"
    assert supervisor.requests == [("/services/mqtt", f"Bearer {TOKEN}")]
    assert "service-password-xyz" not in line + repr(from_supervisor(supervisor))


def test_tls_broker_from_the_supervisor(supervisor: FakeSupervisor) -> None:
    supervisor.service = {**SERVICE, "ssl": True, "port": 8883, "host": "fd00::2"}
    settings, _ = settings_from_options(options(), lambda: from_supervisor(supervisor))
    assert settings.mqtt.url == "mqtts://[fd00::2]:8883"
    assert settings.mqtt.tls_enabled


def test_user_broker_needs_no_supervisor(supervisor: FakeSupervisor) -> None:
    mqtt = {
        "url": "mqtt://broker.lan:1884",
        "username": "me",
        "password": "pw",
        "base_topic": "omni",
    }
    settings, line = settings_from_options(options(mqtt=mqtt), lambda: from_supervisor(supervisor))
    assert (settings.mqtt.url, settings.mqtt.username, settings.mqtt.base_topic) == (
        "mqtt://broker.lan:1884",
        "me",
        "omni",
    )
    assert line == "MQTT broker mqtt://broker.lan:1884 from the add-on options"
    assert supervisor.requests == []


def test_own_user_on_the_supervisor_broker(supervisor: FakeSupervisor) -> None:
    # Optional options the user cleared may arrive as null or "".
    mqtt = {"url": "", "username": "omni", "password": "own-pw", "base_topic": None}
    settings, line = settings_from_options(options(mqtt=mqtt), lambda: from_supervisor(supervisor))
    assert settings.mqtt.url == "mqtt://core-mosquitto:1883"
    assert settings.mqtt.username == "omni"
    assert settings.mqtt.password is not None
    assert settings.mqtt.password.get_secret_value() == "own-pw"
    assert settings.mqtt.base_topic == "omni2mqtt"
    assert line.endswith("as omni")


def error_of(fake: FakeSupervisor, token: str | None = TOKEN) -> AddonError:
    with pytest.raises(AddonError) as info:
        settings_from_options(options(), lambda: from_supervisor(fake, token))
    message = str(info.value)
    for secret in (TOKEN, "service-password-xyz", KEY, "wrong-token"):
        assert secret not in message
    return info.value


def test_supervisor_errors(supervisor: FakeSupervisor) -> None:
    assert "refused this add-on's token (HTTP 401)" in str(error_of(supervisor, "wrong-token"))
    assert "SUPERVISOR_TOKEN is not set" in str(error_of(supervisor, None))
    supervisor.service = None
    message = str(error_of(supervisor))
    assert "no MQTT service to offer (HTTP 400: Service mqtt not enabled)" in message
    assert "Mosquitto broker add-on" in message
    for junk in (b"<html>", b'{"result": "ok", "data": {"port": 1883}}', b"[]"):
        supervisor.raw_body = junk
        assert "Supervisor" in str(error_of(supervisor))


def test_supervisor_unreachable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once the socket is closed
    with pytest.raises(
        AddonError, match=re.escape("cannot reach the Supervisor at http://127.0.0.1")
    ):
        fetch_mqtt_service(f"http://127.0.0.1:{port}", TOKEN, timeout=5)


def test_invalid_options_before_the_supervisor(supervisor: FakeSupervisor) -> None:
    bad = options(panels=[{**PANEL, "controller_key": "0011-not-a-key-ffff"}])
    with pytest.raises(AddonError) as info:
        settings_from_options(bad, lambda: from_supervisor(supervisor))
    assert info.value.code == 2
    assert str(info.value).startswith("invalid add-on options: panels.0.controller_key:")
    assert "not-a-key" not in str(info.value)
    assert supervisor.requests == []
    with pytest.raises(AddonError, match=r"panels\.0\.host: required"):
        settings_from_options(
            options(panels=[{**PANEL, "host": ""}]), lambda: from_supervisor(supervisor)
        )
    with pytest.raises(AddonError, match="panels: at least one panel"):
        settings_from_options(options(panels=[]), lambda: from_supervisor(supervisor))


def test_addon_command_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["addon", "--data-dir", str(tmp_path)]) == 2
    assert "options.json: no such file" in capsys.readouterr().err
    (tmp_path / "options.json").write_text('{"panels": [ "password": "hunter2"')
    assert main(["addon", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not valid JSON (line 1" in err and "hunter2" not in err
    (tmp_path / "options.json").write_text(json.dumps(options()))
    with running(FakeSupervisor(service=None)) as fake:
        monkeypatch.setenv("OMNI2MQTT_SUPERVISOR_URL", fake.url)
        monkeypatch.setenv("SUPERVISOR_TOKEN", TOKEN)
        assert main(["addon", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("omni2mqtt addon: the Supervisor has no MQTT service")
