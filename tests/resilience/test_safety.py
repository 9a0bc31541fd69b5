"""Safety: nothing reaches the panel late, twice or from a stale message.

- Commands while the panel is offline (no session, or a session still syncing) are rejected
  at once and never queued: after the panel is back it has received none of them.
- Retained command messages are ignored, at every (re)subscribe, on MQTT 3.1.1 and 5.
- A security command that times out is reported as ``timeout`` and never sent again, whether
  the panel swallowed it or executed it late (the state topics then show what it did).
- SIGINT and SIGTERM always end the panel session with ClientSessionTerminated and publish
  ``offline``: idle, in the middle of a sync, and with a command in flight.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections import Counter
from pathlib import Path

import pytest

from omni2mqtt.config import Settings
from omni2mqtt.emulator.faults import RequestFault
from omni2mqtt.mqtt.attributes import OFFLINE, ONLINE
from omni2mqtt.mqtt.gateway import Gateway
from omni2mqtt.protocol.messages.control import (
    Command,
    ExecuteSecurityCommand,
    RequestValidateCode,
)

from ..broker import Mosquitto
from .conftest import CONTROLLER_KEY, FAST_RECONNECT, Running
from .mirror import RetainedMirror
from .process import GatewayProcess, write_config
from .stack import (
    AVAILABILITY,
    BASE,
    BRIDGE_STATE,
    CountingEmulator,
    result_of,
    settings_for,
    wait_until,
)
from .truth import settled

SECURITY = (ExecuteSecurityCommand.__name__, RequestValidateCode.__name__)
ARM = {"action": "arm_away", "code": "1234"}
# One command of each kind a user could send while the panel is away.
COMMANDS: list[tuple[str, object]] = [
    ("area/1", ARM),
    ("zone/3/bypass", {"state": "ON", "code": "1234"}),
    ("unit/1", "ON"),
    ("unit/2/brightness", "80"),
    ("thermostat/1/mode", "heat"),
    ("lock/1", "UNLOCK"),
    ("button/1", "PRESS"),
    ("program/1", {"action": "execute"}),
    ("message/1", "show"),
    ("audio_zone/1", "ON"),
]


class Sender:
    """Commands with a transaction each, and their results."""

    def __init__(self, mirror: RetainedMirror) -> None:
        self.mirror = mirror
        self.transaction = 0

    async def send(self, path: str, value: object) -> dict[str, object]:
        self.transaction += 1
        body = value if isinstance(value, dict) else {"value": value}
        start = len(self.mirror.log)
        payload = json.dumps({**body, "transaction": self.transaction})
        await self.mirror.publish(f"{BASE}/{path}/set", payload)
        return await result_of(self.mirror, path, self.transaction, start)

    async def error(self, path: str, value: object) -> str:
        result = await self.send(path, value)
        error = result.get("error")
        assert result["status"] == "error" and isinstance(error, dict), result
        return str(error["type"])

    async def ok(self, path: str, value: object) -> None:
        result = await self.send(path, value)
        assert result["status"] == "ok", result


def _sent(emulator: CountingEmulator) -> Counter[str]:
    """The panel's executed commands and security requests so far."""
    names = (Command.__name__, *SECURITY)
    return Counter({name: emulator.handled[name] for name in names})


async def test_commands_while_offline_are_rejected_not_queued(
    running: Running, emulator: CountingEmulator, mirror: RetainedMirror
) -> None:
    sender = Sender(mirror)
    client = running.gateway.panels["house"].client
    await mirror.wait_payload(AVAILABILITY, ONLINE)
    before = _sent(emulator)
    await emulator.stop()
    await mirror.wait_payload(AVAILABILITY, OFFLINE)
    for path, value in COMMANDS:
        assert await sender.error(path, value) == "panel_offline", path
    # Connected again but still syncing (slow replies): still offline for commands.
    emulator.faults.set_latency(0.05)
    await emulator.start()
    await wait_until(lambda: emulator.connected)
    for path, value in COMMANDS[:3]:
        assert not client.available
        assert await sender.error(path, value) == "panel_offline", path
    emulator.faults.set_latency(0.0)
    await mirror.wait_payload(AVAILABILITY, ONLINE)
    await sender.ok("unit/5", "ON")  # runs after anything that could have been queued
    assert _sent(emulator) - before == Counter({Command.__name__: 1})
    snapshot = emulator.panel.snapshot()
    assert snapshot["areas"]["1"]["mode"] == 0
    assert not snapshot["zones"]["3"]["bypassed"]
    assert not snapshot["units"]["1"]["on"]
    assert snapshot["locks"]["1"]["locked"]


@pytest.mark.parametrize("protocol", ["3.1.1", "5"])
async def test_retained_commands_are_ignored_at_every_subscribe(
    mosquitto: Mosquitto,
    emulator: CountingEmulator,
    mirror: RetainedMirror,
    tmp_path: Path,
    protocol: str,
) -> None:
    for path, value in COMMANDS:
        payload = json.dumps(value) if isinstance(value, dict) else str(value)
        await mirror.publish(f"{BASE}/{path}/set", payload, retain=True)
    await mirror.wait(lambda: all(f"{BASE}/{p}/set" in mirror.retained for p, _ in COMMANDS))
    settings = settings_for(
        mosquitto, emulator.port, CONTROLLER_KEY, tmp_path / "cache", protocol=protocol
    )
    sender = Sender(mirror)
    before = _sent(emulator)
    for _ in range(2):  # a fresh subscribe replays them each time
        await _run_briefly(settings, mirror, sender)
    assert _sent(emulator) - before == Counter({Command.__name__: 2})
    replies = [s for s in mirror.log if s.topic.endswith("/result")]
    assert {s.topic for s in replies} == {f"{BASE}/unit/5/result"}
    assert emulator.panel.snapshot()["areas"]["1"]["mode"] == 0


async def _run_briefly(settings: Settings, mirror: RetainedMirror, sender: Sender) -> None:
    gateway = Gateway(settings, reconnect=FAST_RECONNECT)
    start = len(mirror.log)
    await gateway.start()
    try:
        await mirror.wait(lambda: ONLINE in mirror.payloads(AVAILABILITY, start))
        await sender.ok("unit/5", "ON")  # handled after the replayed retained ones
    finally:
        await gateway.stop()


@pytest.mark.parametrize("reply", ["never", "late"])
async def test_a_security_command_that_times_out_is_reported_once_and_never_resent(
    running: Running, emulator: CountingEmulator, mirror: RetainedMirror, reply: str
) -> None:
    sender = Sender(mirror)
    await settled(mirror, emulator.panel, running.gateway.settings)
    before = _sent(emulator)
    if reply == "never":
        emulator.faults.arm(RequestFault.IGNORE)  # swallowed: not answered, not executed
    else:
        emulator.faults.stall(1.2)  # executed, but answered after the 0.5 s request timeout
    assert await sender.error("area/2", ARM) == "timeout"
    if reply == "late":
        # It did arm the area, and the state topics say so; the result said "timeout".
        await mirror.wait_payload(f"{BASE}/area/2/state", "arming")
    # Not sent again with the next command, nor after a reconnect and a full resync.
    await sender.ok("unit/5", "ON")
    start = len(mirror.log)
    assert emulator.drop_connection()
    await mirror.wait(lambda: mirror.payloads(AVAILABILITY, start)[-1:] == [ONLINE])
    await sender.ok("unit/6", "ON")
    executed = 1 if reply == "late" else 0
    assert _sent(emulator) - before == Counter(
        {Command.__name__: 2, ExecuteSecurityCommand.__name__: executed}
    )
    assert len([s for s in mirror.log if s.topic == f"{BASE}/area/2/result"]) == 1
    assert (emulator.panel.snapshot()["areas"]["2"]["mode"] != 0) == (reply == "late")
    if reply == "late":
        await sender.ok("area/2", {"action": "disarm", "code": "1234"})


@pytest.mark.parametrize(
    "case",
    [
        (signal.SIGTERM, "idle"),
        (signal.SIGINT, "idle"),
        (signal.SIGTERM, "syncing"),
        (signal.SIGINT, "command_in_flight"),
    ],
    ids=lambda case: f"{case[0].name}-{case[1]}",
)
async def test_signals_end_the_session_and_publish_offline(
    mosquitto: Mosquitto,
    emulator: CountingEmulator,
    mirror: RetainedMirror,
    tmp_path: Path,
    case: tuple[signal.Signals, str],
) -> None:
    signum, moment = case
    config = write_config(
        tmp_path / "config.yaml",
        broker_port=mosquitto.port,
        panel_port=emulator.port,
        controller_key=CONTROLLER_KEY,
        cache_dir=tmp_path / "cache",
    )
    gateway = GatewayProcess(config, tmp_path / "run.log")
    terminated = emulator.sessions_terminated_by_client
    if moment == "syncing":
        emulator.faults.set_latency(0.2)  # a sync of 14+ requests takes seconds
    await gateway.start()
    try:
        await mirror.wait_payload(BRIDGE_STATE, ONLINE)
        if moment == "syncing":
            await mirror.wait_payload(AVAILABILITY, OFFLINE)
            await wait_until(lambda: emulator.connected)
            assert mirror.retained[AVAILABILITY] == OFFLINE  # connected, still syncing
        else:
            await mirror.wait_payload(AVAILABILITY, ONLINE)
        if moment == "command_in_flight":
            # Same topics as the process's configuration: wait until it has nothing to do.
            same = settings_for(mosquitto, emulator.port, CONTROLLER_KEY, tmp_path / "truth")
            await settled(mirror, emulator.panel, same)
            emulator.faults.stall(30)
            await mirror.publish(f"{BASE}/unit/1/set", '{"state": "ON", "transaction": "late"}')
            await asyncio.sleep(0.3)  # let it reach the panel, where it waits for its reply
        assert await gateway.stop(signum) == 0
    finally:
        await gateway.kill()
    await mirror.wait_payload(BRIDGE_STATE, OFFLINE)
    await mirror.wait_payload(AVAILABILITY, OFFLINE)
    await wait_until(lambda: emulator.sessions_terminated_by_client == terminated + 1)
    if moment == "command_in_flight":
        result = await result_of(mirror, "unit/1", "late")
        assert result["status"] == "error"
        assert emulator.panel.snapshot()["units"]["1"]["on"] is False
    assert "Traceback" not in gateway.log_text()
