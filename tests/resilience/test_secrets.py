"""No secret anywhere: the whole stack at debug log level with known secrets.

A real ``omni2mqtt run`` process with a random controller key (config file), an MQTT password
(environment) that mosquitto enforces, and a panel whose user codes are used, mistyped and
refused: arming, disarming, bypassing, wrong codes, malformed codes, a security command lost
to a dropped session and one timed out, bridge requests. Then none of the secrets, in any
spelling, may appear in the log, on stdout, in any message the gateway published (``#``,
``bridge/info`` and every result included) or in the text of any exception or error.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from omni2mqtt.config import Settings
from omni2mqtt.emulator.faults import RequestFault
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.scenario import load_scenario
from omni2mqtt.mqtt.attributes import OFFLINE, ONLINE
from omni2mqtt.mqtt.gateway import client_options
from omni2mqtt.panel.client import PanelClient
from omni2mqtt.panel.errors import PanelError

from ..broker import Mosquitto
from .conftest import report
from .faults import ScheduledFaults
from .mirror import RetainedMirror
from .process import GatewayProcess, write_config
from .stack import AVAILABILITY, BASE, BRIDGE_INFO, BRIDGE_STATE, CountingEmulator, result_of

# The demo house with codes that occur nowhere else (master, manager, area 1, area 2).
CODES = {1: "8531", 2: "7093", 3: "6174", 4: "4682"}
WRONG_CODES = ("3819", "85312")  # mistyped codes are secrets too
KEY = secrets.token_hex(16)
PASSWORD = "pw-" + secrets.token_urlsafe(12)
WATCHER = "watch-" + secrets.token_urlsafe(12)


def _spellings() -> list[str]:
    """Every spelling of a secret that a careless log line or error could carry."""
    key = bytes.fromhex(KEY)
    halves = [KEY[i : i + 16] for i in range(0, 17, 4)]  # 8-byte windows of the key
    return [
        KEY,
        KEY.upper(),
        ":".join(KEY[i : i + 2] for i in range(0, 32, 2)),
        repr(key),
        str(list(key)),
        *halves,
        *(h.upper() for h in halves),
        PASSWORD,
    ]


_CODE_PATTERN = re.compile("|".join(rf"(?<!\d){c}(?!\d)" for c in (*CODES.values(), *WRONG_CODES)))


def leaks(text: str) -> list[str]:
    found = [secret for secret in _spellings() if secret in text]
    return found + _CODE_PATTERN.findall(text)


@pytest.fixture
def broker() -> Iterator[Mosquitto]:
    with Mosquitto(users={"omni": PASSWORD, "watcher": WATCHER}) as mosquitto:
        yield mosquitto


@pytest.fixture
async def house() -> AsyncIterator[CountingEmulator]:
    scenario = load_scenario("demo")
    codes = [c.model_copy(update={"code": CODES[c.number]}) for c in scenario.codes]
    panel = EmulatedPanel(scenario.model_copy(update={"codes": codes}))
    key = bytes.fromhex(KEY)
    async with CountingEmulator(panel, key, port=0, faults=ScheduledFaults()) as server:
        yield server


class Commands:
    def __init__(self, mirror: RetainedMirror) -> None:
        self.mirror = mirror
        self.count = 0

    async def send(self, path: str, body: dict[str, object] | str) -> dict[str, object]:
        self.count += 1
        start = len(self.mirror.log)
        if isinstance(body, dict):
            payload = json.dumps({**body, "transaction": self.count})
        else:
            payload = body
        await self.mirror.publish(f"{BASE}/{path}/set", payload)
        topic = f"{BASE}/{path}/result"
        if isinstance(body, str):
            await self.mirror.wait(lambda: bool(self.mirror.payloads(topic, start)))
            result = json.loads(self.mirror.payloads(topic, start)[0])
        else:
            result = await result_of(self.mirror, path, self.count, start)
        assert isinstance(result, dict)
        return result

    async def expect(self, path: str, body: dict[str, object] | str, outcome: str) -> None:
        result = await self.send(path, body)
        error = result.get("error")
        got = error["type"] if isinstance(error, dict) else result["status"]
        assert got == outcome, (path, result)


async def _exercise(commands: Commands, house: CountingEmulator, mirror: RetainedMirror) -> None:
    master, manager, area1, area2 = (CODES[n] for n in (1, 2, 3, 4))
    await commands.expect("area/2", {"action": "arm_away", "code": area2}, "ok")
    await commands.expect("area/2", {"action": "disarm", "code": area2}, "ok")
    await commands.expect("area/1", {"action": "ARM_AWAY", "code": manager}, "ok")
    await commands.expect("area/1", {"action": "DISARM", "code": master}, "ok")
    await commands.expect("area/1", {"action": "arm_away", "code": area2}, "invalid_code")
    await commands.expect("area/1", {"action": "arm_home", "code": WRONG_CODES[0]}, "invalid_code")
    await commands.expect("area/1", {"action": "disarm", "code": WRONG_CODES[1]}, "bad_payload")
    await commands.expect("area/1", {"action": master, "code": master}, "bad_payload")
    await commands.expect(
        "area/1", {"action": "disarm", "code": master, "pin": master}, "bad_payload"
    )
    await commands.expect("area/1", master, "bad_payload")
    await commands.expect("zone/3/bypass", {"state": "ON", "code": area1}, "ok")
    await commands.expect("zone/3/bypass", {"state": "OFF", "code": area1}, "ok")
    await commands.expect("zone/3/bypass", {"state": master, "code": master}, "bad_payload")
    await commands.expect("zone/3/bypass", {"state": "ON", "code": WRONG_CODES[0]}, "invalid_code")
    # A security command whose reply never comes, and one lost with the session.
    house.faults.arm(RequestFault.IGNORE)
    await commands.expect("area/1", {"action": "disarm", "code": master}, "timeout")
    house.faults.arm(RequestFault.DROP)
    await commands.expect("area/1", {"action": "disarm", "code": master}, "connection_error")
    await mirror.wait_payload(AVAILABILITY, ONLINE)
    for action, body in (
        ("event_log", {"count": 50}),
        ("acknowledge_alerts", {}),
        ("health", {}),
        ("panels", {}),
        ("info", {}),
        ("raw_command", {"command": 48, "p1": int(master), "p2": 1}),
    ):
        start = len(mirror.log)
        await mirror.publish(f"omni2mqtt/bridge/request/{action}", json.dumps(body))
        topic = f"omni2mqtt/bridge/response/{action}"
        await mirror.wait(lambda topic=topic, start=start: bool(mirror.payloads(topic, start)))


def _published_by_gateway(mirror: RetainedMirror) -> list[str]:
    """Every topic and payload the gateway sent (not our own commands and requests)."""
    return [
        f"{seen.topic} {seen.text}"
        for seen in mirror.log
        if not seen.topic.endswith("/set") and "/bridge/request/" not in seen.topic
    ]


async def test_no_secret_in_logs_messages_or_errors(
    broker: Mosquitto, house: CountingEmulator, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "config.yaml",
        broker_port=broker.port,
        panel_port=house.port,
        controller_key=KEY,
        username="omni",
        cache_dir=tmp_path / "cache",
    )
    gateway = GatewayProcess(config, tmp_path / "run.log", {"OMNI2MQTT_MQTT__PASSWORD": PASSWORD})
    mirror = RetainedMirror(broker.port, username="watcher", password=WATCHER)
    await mirror.start()
    await gateway.start()
    try:
        await mirror.wait_payload(AVAILABILITY, ONLINE)
        await _exercise(Commands(mirror), house, mirror)
        info = mirror.retained[BRIDGE_INFO]
        assert await gateway.stop() == 0
        await mirror.wait_payload(BRIDGE_STATE, OFFLINE)
    finally:
        await gateway.kill()
        await mirror.stop()
    log = gateway.log_text()
    # The detector itself works: each kind of secret is found where it is.
    sample = leaks(f"key {KEY.upper()}, code {CODES[3]}, {PASSWORD}")
    assert {KEY.upper(), PASSWORD, CODES[3]} <= set(sample)
    assert " DEBUG " in log and "panel house" in log
    assert "**redacted**" in info
    places = {
        "log": log,
        "stdout": gateway.stdout,
        "bridge/info": info,
        "MQTT": "\n".join(_published_by_gateway(mirror)),
    }
    report(
        f"secrets: {len(log.splitlines())} debug log lines, "
        f"{len(_published_by_gateway(mirror))} MQTT messages and bridge/info checked for "
        f"{len(_spellings())} spellings of the key and password and {len(CODES)} + "
        f"{len(WRONG_CODES)} codes: no leak ({log.count('***')} spots masked by the log filter)"
    )
    assert {where: leaks(text) for where, text in places.items() if leaks(text)} == {}


def test_no_secret_in_settings_clients_or_panel_errors(tmp_path: Path) -> None:
    """In-process: what an exception, a repr or a config dump of these objects shows."""
    settings = Settings.model_validate(
        {
            "mqtt": {"url": "mqtt://127.0.0.1:1883", "username": "omni", "password": PASSWORD},
            "panels": [{"id": "house", "host": "127.0.0.1", "controller_key": KEY}],
            "cache_dir": str(tmp_path),
        }
    )
    panel = settings.panels[0]
    client = PanelClient(client_options(panel, tmp_path))
    texts = [
        repr(settings),
        str(settings),
        settings.model_dump_json(),
        repr(panel),
        repr(client),
        repr(client.options),
        str(PanelError(f"{client!r} failed")),
    ]
    assert [leaks(text) for text in texts if leaks(text)] == []
