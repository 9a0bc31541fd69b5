"""Session fixtures of the end-to-end test: a real Home Assistant 2024.3.3 (its venv cached by
scripts/ha-venv.sh), a real mosquitto, the emulator and ``omni2mqtt run``, all started once.

When Home Assistant cannot be installed on this machine (no Python 3.11/3.12, no PyPI), every
test here is skipped with a loud message; ``OMNI2MQTT_REQUIRE_HA=1`` turns that into a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from omni2mqtt.emulator.scenario import Scenario, load_scenario

from ..broker import Mosquitto
from .homeassistant import HomeAssistant
from .processes import (
    Emulator,
    GatewayProcess,
    MqttWatcher,
    gateway_config,
    wait_until,
    write_scenario,
)

ROOT = Path(__file__).resolve().parents[2]
HA_VENV_SCRIPT = ROOT / "scripts" / "ha-venv.sh"
# Short delays keep the arming and entry-delay tests fast yet long enough to be seen by polling.
EXIT_DELAY = 5
ENTRY_DELAY = 5


_FAILED = pytest.StashKey[bool]()
_SKIPPED = pytest.StashKey[str]()


def _loud(config: pytest.Config, text: str) -> None:
    """Print past pytest's output capture, so a skipped e2e run cannot go unnoticed."""
    banner = "!" * 78
    capture = config.pluginmanager.getplugin("capturemanager")
    message = f"\n{banner}\n{text}\n{banner}\n"
    if capture is not None:
        with capture.global_and_fixture_disabled():
            sys.stderr.write(message)
    else:
        sys.stderr.write(message)


@pytest.fixture(scope="session")
def ha_venv(pytestconfig: pytest.Config) -> Path:
    """The Home Assistant venv, installed (once, then cached) by scripts/ha-venv.sh."""
    result = subprocess.run(
        ["bash", str(HA_VENV_SCRIPT)], capture_output=True, text=True, check=False
    )
    lines = result.stdout.strip().splitlines()
    venv = Path(lines[-1]) if result.returncode == 0 and lines else None
    if venv is not None and (venv / "bin" / "hass").exists():
        return venv
    errors = result.stderr.strip()
    why = next((line for line in errors.splitlines() if "cannot install" in line), errors[-300:])
    reason = f"HOME ASSISTANT END-TO-END TESTS SKIPPED: {why or 'scripts/ha-venv.sh failed'}"
    if os.environ.get("OMNI2MQTT_REQUIRE_HA") == "1":
        pytest.fail(f"{reason}\n{errors}")
    _loud(pytestconfig, f"{reason}\n{errors}")
    pytestconfig.stash[_SKIPPED] = reason
    warnings.warn(reason, stacklevel=1)
    pytest.skip(reason)


def e2e_scenario() -> Scenario:
    demo = load_scenario("demo")
    areas = [
        a.model_copy(update={"exit_delay": EXIT_DELAY, "entry_delay": ENTRY_DELAY})
        for a in demo.areas
    ]
    return demo.model_copy(update={"areas": areas})


@dataclass(repr=False)
class Stack:
    broker: Mosquitto
    emulator: Emulator
    gateway: GatewayProcess
    watcher: MqttWatcher
    ha: HomeAssistant
    directory: Path

    def __repr__(self) -> str:
        return f"Stack(logs in {self.directory})"

    def logs(self) -> str:
        return ", ".join(str(p.log) for p in (self.emulator, self.gateway, self.ha))


@pytest.fixture(scope="session")
def stack(
    ha_venv: Path, tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[Stack]:
    directory = tmp_path_factory.mktemp("e2e")
    broker = Mosquitto()
    broker.start()
    watcher = MqttWatcher(broker.port)
    emulator = Emulator(
        write_scenario(e2e_scenario(), directory / "scenario.yaml"), directory / "emulator.log"
    )
    config = gateway_config(
        directory / "omni2mqtt.yaml", broker.port, emulator.port, directory / "cache"
    )
    gateway = GatewayProcess(config, directory / "omni2mqtt.log")
    ha = HomeAssistant(ha_venv, directory / "ha-config", directory / "home-assistant.log")
    stack = Stack(broker, emulator, gateway, watcher, ha, directory)
    try:
        emulator.start()
        gateway.start()

        def panel_online() -> bool:
            gateway.check_alive()
            return watcher.retained.get("omni2mqtt/house/availability") == "online"

        wait_until("the gateway to bring the panel online", panel_online, 60)
        ha.start()
        ha.add_mqtt(broker.port)
        _wait_discovery_settled(watcher)
        yield stack
    finally:
        failed = pytestconfig.stash.get(_FAILED, False)
        for part in (ha, gateway, emulator):
            part.stop()
        watcher.stop()
        broker.stop()
        if failed:
            _loud(pytestconfig, f"e2e: logs kept in {stack.logs()}")


def _wait_discovery_settled(watcher: MqttWatcher) -> None:
    """Until the set of discovery configs stops growing (the program buttons come last, after
    the gateway has read the program list in the background)."""
    counts: list[int] = []

    def settled() -> bool:
        counts.append(len(watcher.configs("omni2mqtt_house")))
        return len(counts) >= 4 and counts[-1] > 0 and len(set(counts[-4:])) == 1

    wait_until("the discovery configs to settle", settled, 30, 0.25)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    if getattr(report, "failed", False):
        item.config.stash[_FAILED] = True
    return report


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    # Again at the very end: the first banner scrolls away in a full run.
    reason = config.stash.get(_SKIPPED, None)
    if reason is not None:
        terminalreporter.write_sep("!", "Home Assistant e2e tests SKIPPED", red=True, bold=True)
        terminalreporter.write_line(reason)
