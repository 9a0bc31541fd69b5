"""``omni2mqtt healthcheck``: the retained bridge state and panel availability on a real broker."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from omni2mqtt.cli import main
from omni2mqtt.config import Settings
from omni2mqtt.healthcheck import probe
from omni2mqtt.mqtt.gateway import Gateway

from ..broker import Mosquitto, Subscriber, free_port
from .conftest import FAST_RECONNECT, SettingsFactory

TIMEOUT = 20


def config_file(settings: Settings, tmp_path: Path) -> str:
    data = settings.model_dump(mode="json", exclude_none=True)
    data["panels"][0]["controller_key"] = settings.panels[0].key_bytes().hex()
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


async def healthcheck_cli(*args: str) -> int:
    # The command runs its own event loop, as in a container: give it a thread.
    return await asyncio.to_thread(main, ["healthcheck", *args])


async def test_healthy_gateway(
    gateway: Gateway,
    subscriber: Subscriber,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await subscriber.wait_for("omni2mqtt/house/availability", "online", TIMEOUT)
    settings = gateway.settings
    assert await probe(settings, TIMEOUT, require_panels=True) == (
        True,
        "bridge online, panel house online",
    )
    path = config_file(settings, tmp_path)
    assert await healthcheck_cli("--config", path, "--require-panels") == 0
    out = capsys.readouterr().out
    assert out == "omni2mqtt healthcheck: healthy: bridge online, panel house online\n"

    await gateway.stop()  # a clean stop publishes offline
    await subscriber.wait_for("omni2mqtt/bridge/state", "offline", TIMEOUT)
    assert await probe(settings, TIMEOUT, require_panels=False) == (False, "bridge is offline")
    assert await healthcheck_cli("--config", path) == 1
    assert "UNHEALTHY: bridge is offline" in capsys.readouterr().out


async def test_panel_offline_only_matters_when_required(
    make_settings: SettingsFactory, subscriber: Subscriber
) -> None:
    # Nothing listens on the panel's port: the bridge is online, the panel never is.
    settings = make_settings(panel={"port": free_port()})
    gateway = Gateway(settings, reconnect=FAST_RECONNECT)
    await gateway.start()
    try:
        await subscriber.wait_for("omni2mqtt/bridge/state", "online", TIMEOUT)
        await subscriber.wait_for("omni2mqtt/house/availability", "offline", TIMEOUT)
        assert await probe(settings, TIMEOUT, require_panels=False) == (True, "bridge online")
        assert await probe(settings, TIMEOUT, require_panels=True) == (
            False,
            "panel house is offline",
        )
    finally:
        await gateway.stop()


async def test_no_gateway_and_no_broker(
    make_settings: SettingsFactory, mosquitto: Mosquitto
) -> None:
    settings = make_settings()
    healthy, reason = await probe(settings, 0.5, require_panels=True)
    assert not healthy
    assert reason.startswith("no retained state for bridge, panel house on mqtt://127.0.0.1:")
    down = make_settings(mqtt={"url": f"mqtt://127.0.0.1:{free_port()}"})
    healthy, reason = await probe(down, 5, require_panels=False)
    assert not healthy and reason.startswith("cannot connect to the broker mqtt://127.0.0.1:")


async def test_invalid_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("panels: []\n")
    assert await healthcheck_cli("--config", str(path)) == 2
    assert "invalid configuration" in capsys.readouterr().err
