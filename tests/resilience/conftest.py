"""Fixtures of the resilience tests, and their counts in the terminal summary.

Long runs are chosen by environment variables, so no root conftest is needed:
``OMNI2MQTT_SOAK_SECONDS`` (the soak keeps cycling until then; default: the minimum of 100
panel faults and 20 broker restarts), ``OMNI2MQTT_FUZZ_FRAMES`` (default 50,000; the
acceptance run uses 1,000,000) and ``OMNI2MQTT_JUNK_COMMANDS`` (default 10,000).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from omni2mqtt.config import Settings
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.scenario import load_scenario
from omni2mqtt.mqtt.gateway import Gateway

from ..broker import Mosquitto
from ..mqtt.conftest import CONTROLLER_KEY, FAST_RECONNECT
from .faults import ScheduledFaults
from .mirror import RetainedMirror
from .soak import Stack
from .stack import CountingEmulator, ErrorLog, settings_for, watching_errors

_REPORT: list[str] = []


def report(line: str) -> None:
    """A line for the "resilience" section of the terminal summary (always shown)."""
    _REPORT.append(line)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _REPORT:
        terminalreporter.section("resilience")
        for line in _REPORT:
            terminalreporter.write_line(line)


@pytest.fixture
def mosquitto() -> Iterator[Mosquitto]:
    with Mosquitto() as broker:
        yield broker


@pytest.fixture
def emulated_panel() -> EmulatedPanel:
    return EmulatedPanel(load_scenario("demo"))


@pytest.fixture
def faults() -> ScheduledFaults:
    return ScheduledFaults()


@pytest.fixture
async def emulator(
    emulated_panel: EmulatedPanel, faults: ScheduledFaults
) -> AsyncIterator[CountingEmulator]:
    key = bytes.fromhex(CONTROLLER_KEY)
    async with CountingEmulator(emulated_panel, key, port=0, faults=faults) as server:
        yield server


@pytest.fixture
def settings(mosquitto: Mosquitto, emulator: CountingEmulator, tmp_path: Path) -> Settings:
    return settings_for(mosquitto, emulator.port, CONTROLLER_KEY, tmp_path / "cache")


@pytest.fixture
async def mirror(mosquitto: Mosquitto) -> AsyncIterator[RetainedMirror]:
    async with RetainedMirror(mosquitto.port) as copy:
        yield copy


@dataclass
class Running:
    gateway: Gateway
    stopped: bool = False

    async def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            await self.gateway.stop()


@pytest.fixture
async def errors() -> AsyncIterator[ErrorLog]:
    """Error logs and unhandled exceptions from the start of the gateway on."""
    with watching_errors() as log:
        yield log


@pytest.fixture
async def running(
    settings: Settings, faults: ScheduledFaults, errors: ErrorLog
) -> AsyncIterator[Running]:
    """The gateway with every default extension, started; stopped at the end if the test did
    not stop it itself."""
    gateway = Gateway(settings, reconnect=FAST_RECONNECT)
    client = gateway.panels["house"].client
    faults.during_sync = lambda: not client.available
    await gateway.start()
    handle = Running(gateway)
    try:
        yield handle
    finally:
        await handle.stop()


@pytest.fixture
def stack(
    mosquitto: Mosquitto,
    emulator: CountingEmulator,
    settings: Settings,
    mirror: RetainedMirror,
    running: Running,
) -> Stack:
    faults = emulator.faults
    assert isinstance(faults, ScheduledFaults)
    return Stack(
        mosquitto,
        emulator.panel,
        emulator,
        faults,
        running.gateway,
        mirror,
        settings,
        bytes.fromhex(CONTROLLER_KEY),
    )
