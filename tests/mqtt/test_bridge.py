"""The bridge API through a real mosquitto and the emulator: bridge/info and every request."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import Any

import aiomqtt
import pytest

from omni2mqtt import __version__
from omni2mqtt.config import Settings
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.scenario import load_scenario
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.mqtt.availability import Availability
from omni2mqtt.mqtt.bridge import Bridge
from omni2mqtt.mqtt.bridge_actions import RAW_COMMAND_DISABLED, REDACTED
from omni2mqtt.mqtt.extensions import DEFAULT_EXTENSIONS
from omni2mqtt.mqtt.gateway import Gateway
from omni2mqtt.panel.timesync import PanelTimeSync
from omni2mqtt.protocol.messages.eventlog import EventLogType

from ..broker import Mosquitto, Subscriber, subscribed
from .conftest import CONTROLLER_KEY, FAST_RECONNECT, SettingsFactory

BRIDGE = "omni2mqtt/bridge"
INFO = f"{BRIDGE}/info"
HOUSE = "omni2mqtt/house/availability"
MQTT_PASSWORD = "mqtt-pw-Zq81!"
Json = dict[str, Any]


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Gateway]:
    gateway = Gateway(settings, [Availability, Bridge], reconnect=FAST_RECONNECT)
    await gateway.start()
    try:
        yield gateway
    finally:
        await gateway.stop()


@pytest.fixture
async def bridge_gateway(
    make_settings: SettingsFactory, subscriber: Subscriber
) -> AsyncIterator[Gateway]:
    async with running(make_settings()) as gateway:
        await subscriber.wait_for(HOUSE, "online")
        yield gateway


async def ask(sub: Subscriber, action: str, payload: Json | str | None = None) -> Json:
    """Publish a request and return its (non-retained) response."""
    start = len(sub.messages)
    text = payload if isinstance(payload, str) else "" if payload is None else json.dumps(payload)
    await sub.publish(f"{BRIDGE}/request/{action}", text)
    message = await sub.wait_message(f"{BRIDGE}/response/{action}", start=start)
    assert not message.retain
    body = message.json()
    assert isinstance(body, dict)
    return body


def ok(response: Json) -> Json:
    assert response["status"] == "ok", response
    assert "error" not in response
    data = response["data"]
    assert isinstance(data, dict)
    return data


def failed(response: Json, error_type: str) -> str:
    assert response["status"] == "error", response
    assert (response["error_type"], response["data"]) == (error_type, {}), response
    error = response["error"]
    assert isinstance(error, str) and error
    return error


async def info_where(sub: Subscriber, predicate: Callable[[Json], bool], start: int = 0) -> Json:
    """The first bridge/info payload from message ``start`` on that satisfies ``predicate``."""
    async with asyncio.timeout(10):
        index = start
        while True:
            message = await sub.wait_message(INFO, start=index)
            body = message.json()
            assert isinstance(body, dict)
            if predicate(body):
                return body
            index = next(i for i, m in enumerate(sub.messages) if m is message) + 1


def panel_up(body: Json) -> bool:
    return all(p["available"] for p in body["panels"])


async def test_bridge_is_a_default_extension() -> None:
    assert Bridge in DEFAULT_EXTENSIONS


async def test_info_is_retained_redacted_and_follows_availability(
    make_settings: SettingsFactory,
    mosquitto: Mosquitto,
    emulator: EmulatorServer[EmulatedPanel],
    subscriber: Subscriber,
) -> None:
    settings = make_settings(mqtt={"username": "gateway", "password": MQTT_PASSWORD})
    async with running(settings):
        info = await info_where(subscriber, panel_up)
        async with subscribed(mosquitto.port, INFO) as late:
            payload = await late.wait_for(INFO)
            assert late.messages[0].retain
        for secret in (MQTT_PASSWORD, CONTROLLER_KEY, CONTROLLER_KEY.upper(), "**********"):
            assert secret not in payload
        assert info["version"] == __version__
        assert info["mqtt"] == {
            "url": mosquitto.url,
            "base_topic": "omni2mqtt",
            "discovery_prefix": "homeassistant",
            "protocol": "3.1.1",
        }
        config = info["config"]
        assert config["mqtt"]["password"] == REDACTED
        assert config["mqtt"]["username"] == "gateway"
        assert config["panels"][0]["controller_key"] == REDACTED
        assert config["panels"][0]["port"] == emulator.port
        [panel] = info["panels"]
        assert panel == {
            "id": "house",
            "name": "House",
            "host": "127.0.0.1",
            "port": emulator.port,
            "available": True,
            "model": "Omni Pro II",
            "firmware": "3.16b",
            "last_error": None,
        }

        start = len(subscriber.messages)
        await emulator.stop()
        down = await info_where(subscriber, lambda body: not panel_up(body), start)
        assert down["panels"][0]["last_error"]["kind"]
        start = len(subscriber.messages)
        await emulator.start()
        await info_where(subscriber, panel_up, start)

        mosquitto.restart()  # no persistence: the retained info is gone with it
        async with contextlib.AsyncExitStack() as stack:
            fresh = Subscriber(mosquitto.port)
            stack.push_async_callback(fresh.stop)
            await fresh.start("#")
            again = json.loads(await fresh.wait_for(INFO, timeout=15))
            assert again["panels"][0]["model"] == "Omni Pro II"
            assert MQTT_PASSWORD not in fresh.retained[INFO]


async def test_info_shows_a_rejected_key_without_showing_the_key(
    make_settings: SettingsFactory, subscriber: Subscriber, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rejected key never flips availability: only the periodic rebuild publishes it.
    monkeypatch.setattr(Bridge, "info_refresh", 0.05)
    wrong = "ffeeddccbbaa99887766554433221100"
    async with running(make_settings(panel={"controller_key": wrong})):
        info = await info_where(subscriber, lambda body: body["panels"][0]["last_error"])
        assert info["panels"][0]["last_error"]["kind"] == "wrong_key"
        assert wrong not in subscriber.retained[INFO]


async def test_health_info_and_panels(bridge_gateway: Gateway, subscriber: Subscriber) -> None:
    health = ok(await ask(subscriber, "health"))
    assert health["healthy"] is True
    assert health["mqtt"]["connected"] is True
    assert health["uptime"] >= 0
    assert health["panels"] == [
        {"id": "house", "available": True, "connected": True, "sessions": 1, "last_error": None}
    ]
    info = ok(await ask(subscriber, "info", {}))
    assert info == json.loads(await subscriber.wait_for(INFO))
    [panel] = ok(await ask(subscriber, "panels", "  "))["panels"]
    assert (panel["id"], panel["available"], panel["model"]) == ("house", True, "Omni Pro II")
    assert (panel["objects"]["zone"], panel["objects"]["area"]) == (21, 2)
    sync = panel["sync_result"]
    assert sync["requests"] > 0
    assert (sync["names_from_cache"], sync["notifications"]) == (False, True)
    error = failed(await ask(subscriber, "health", {"panel": "attic"}), "unknown_panel")
    assert "house" in error


async def test_transaction_is_echoed_on_success_and_error(
    bridge_gateway: Gateway, subscriber: Subscriber
) -> None:
    response = await ask(subscriber, "health", {"transaction": "t-1"})
    assert (response["status"], response["transaction"]) == ("ok", "t-1")
    response = await ask(subscriber, "program/get", {"transaction": 42, "slot": "x"})
    failed(response, "bad_payload")
    assert response["transaction"] == 42
    assert "transaction" not in await ask(subscriber, "health")


async def test_resync_rereads_the_panel(bridge_gateway: Gateway, subscriber: Subscriber) -> None:
    client = bridge_gateway.panels["house"].client
    first = client.sync_result
    assert first is not None
    assert ok(await ask(subscriber, "resync")) == {"panel": "house"}
    async with asyncio.timeout(10):
        while client.sync_result is first:
            await asyncio.sleep(0.02)
    assert client.sync_result is not None and client.sync_result.requests > 0
    failed(await ask(subscriber, "resync", {"panel": 7}), "unknown_panel")


async def test_programs_list_get_and_clone(
    bridge_gateway: Gateway, subscriber: Subscriber, emulated_panel: EmulatedPanel
) -> None:
    programs = ok(await ask(subscriber, "programs/list"))["programs"]
    assert [p["slot"] for p in programs] == [1, 2, 3, 10, 11, 20]
    assert programs[3]["program"]["raw"] == emulated_panel.programs[10].hex()
    assert programs[3]["program"]["type"]

    got = ok(await ask(subscriber, "program/get", {"slot": 10}))
    assert got == {"panel": "house", "slot": 10, "program": programs[3]["program"]}
    assert ok(await ask(subscriber, "program/get", {"slot": "5"}))["program"] is None
    assert "slot" in failed(await ask(subscriber, "program/get"), "bad_payload")
    failed(await ask(subscriber, "program/get", {"slot": 0}), "bad_payload")
    failed(await ask(subscriber, "program/get", {"slot": True}), "bad_payload")

    cloned = ok(await ask(subscriber, "program/clone", {"from": 10, "to": 30}))
    assert (cloned["from"], cloned["to"]) == (10, 30)
    assert emulated_panel.programs[30] == emulated_panel.programs[10]
    failed(await ask(subscriber, "program/clone", {"from": 5, "to": 31}), "unknown_object")
    failed(await ask(subscriber, "program/clone", {"from": 10}), "bad_payload")
    assert 31 not in emulated_panel.programs


async def test_event_log(
    bridge_gateway: Gateway, subscriber: Subscriber, emulated_panel: EmulatedPanel
) -> None:
    emulated_panel.event_log.add(EventLogType.ZONE_BYPASSED, 1, 3)
    emulated_panel.event_log.add(EventLogType.ALARM_RESET, 0, 1)
    emulated_panel.event_log.add(EventLogType.ZONE_RESTORED, 1, 3)
    entries = ok(await ask(subscriber, "event_log", {"count": 2}))["entries"]
    assert [e["type"] for e in entries] == ["zone_restored", "alarm_reset"]
    assert all(e["description"] for e in entries)
    assert datetime.fromisoformat(entries[0]["time"]).date() == datetime.now().date()
    everything = ok(await ask(subscriber, "event_log"))["entries"]
    assert 3 <= len(everything) <= 20
    assert everything[:2] == entries
    failed(await ask(subscriber, "event_log", {"count": 251}), "bad_payload")
    failed(await ask(subscriber, "event_log", {"count": 0}), "bad_payload")


async def test_acknowledge_alerts_and_offline_panel(
    bridge_gateway: Gateway, subscriber: Subscriber, emulator: EmulatorServer[EmulatedPanel]
) -> None:
    assert ok(await ask(subscriber, "acknowledge_alerts")) == {"panel": "house"}
    await emulator.stop()
    await subscriber.wait_for(HOUSE, "offline")
    for action in ("acknowledge_alerts", "resync", "programs/list", "set_time", "event_log"):
        error = failed(await ask(subscriber, action), "panel_offline")
        assert error.startswith("panel_offline")
    health = ok(await ask(subscriber, "health"))
    assert health["healthy"] is False
    assert health["panels"][0]["available"] is False


async def test_set_time(
    bridge_gateway: Gateway, subscriber: Subscriber, emulated_panel: EmulatedPanel
) -> None:
    data = ok(await ask(subscriber, "set_time", {"time": "2030-01-02T03:04:59"}))
    assert data == {"panel": "house", "time": "2030-01-02T03:04"}
    assert abs(emulated_panel.clock.now() - datetime(2030, 1, 2, 3, 4)) < timedelta(minutes=5)
    failed(await ask(subscriber, "set_time", {"time": "yesterday"}), "bad_payload")
    failed(await ask(subscriber, "set_time", {"time": 5}), "bad_payload")

    async def no_wait(seconds: float) -> None:
        """ "now" waits for the next hh:mm:00; the test does not sit out that minute."""

    client = bridge_gateway.panels["house"].client
    client.time = PanelTimeSync(client, sleep=no_wait)
    data = ok(await ask(subscriber, "set_time"))
    assert abs(datetime.fromisoformat(data["time"]) - datetime.now()) < timedelta(minutes=2)
    assert abs(emulated_panel.clock.now() - datetime.now()) < timedelta(minutes=2)


async def test_raw_command_is_disabled_by_default(
    bridge_gateway: Gateway, subscriber: Subscriber, emulated_panel: EmulatedPanel
) -> None:
    response = await ask(subscriber, "raw_command", {"command": 1, "p2": 3})
    assert failed(response, "disabled") == RAW_COMMAND_DISABLED
    assert emulated_panel.snapshot()["units"]["3"]["state"] == 0


async def test_raw_command_when_enabled(
    make_settings: SettingsFactory, subscriber: Subscriber, emulated_panel: EmulatedPanel
) -> None:
    async with running(make_settings(bridge={"raw_command": True})):
        await subscriber.wait_for(HOUSE, "online")
        data = ok(await ask(subscriber, "raw_command", {"command": 1, "p2": 3}))
        assert data == {"panel": "house", "command": 1, "p1": 0, "p2": 3}
        assert emulated_panel.snapshot()["units"]["3"]["state"] != 0
        failed(await ask(subscriber, "raw_command", {"command": 250}), "bad_payload")
        failed(await ask(subscriber, "raw_command", {"command": 1, "p1": 256}), "bad_payload")
        failed(await ask(subscriber, "raw_command", {}), "bad_payload")


async def test_junk_gets_clear_errors(bridge_gateway: Gateway, subscriber: Subscriber) -> None:
    error = failed(await ask(subscriber, "reboot"), "unknown_action")
    assert all(name in error for name in ("health", "programs/list", "raw_command"))
    failed(await ask(subscriber, "health", "{"), "bad_payload")
    failed(await ask(subscriber, "health", "[1, 2]"), "bad_payload")
    failed(await ask(subscriber, "health", '{"transaction": NaN}'), "bad_payload")
    failed(await ask(subscriber, "health", "[" * 100_000), "bad_payload")
    assert "cnt" in failed(await ask(subscriber, "event_log", {"cnt": 3}), "bad_payload")
    # Still serving after all of that.
    assert ok(await ask(subscriber, "health"))["healthy"] is True


async def test_binary_junk_gets_an_error(
    make_settings: SettingsFactory, mosquitto: Mosquitto
) -> None:
    # Its own subscriber: the shared one (on "#") would choke on the request's bytes.
    async with (
        subscribed(mosquitto.port, f"{BRIDGE}/response/#", HOUSE) as sub,
        running(make_settings()),
        aiomqtt.Client("127.0.0.1", mosquitto.port) as raw,
    ):
        await sub.wait_for(HOUSE, "online")
        await raw.publish(f"{BRIDGE}/request/health", b"\xff\xfe", qos=1)
        message = await sub.wait_message(f"{BRIDGE}/response/health")
        assert json.loads(message.payload)["error"] == "the payload is not UTF-8 text"


async def test_retained_requests_are_ignored(
    make_settings: SettingsFactory, subscriber: Subscriber
) -> None:
    # Published before the gateway subscribes, so the broker hands it over flagged retained.
    stale = json.dumps({"transaction": "stale"})
    await subscriber.publish(f"{BRIDGE}/request/health", stale, retain=True)
    async with running(make_settings()):
        await subscriber.wait_for(HOUSE, "online")
        assert (await ask(subscriber, "health", {"transaction": "fresh"}))["transaction"] == "fresh"
    responses = [m for m in subscriber.messages if m.topic == f"{BRIDGE}/response/health"]
    assert [json.loads(m.payload).get("transaction") for m in responses] == ["fresh"]


async def test_two_panels_need_a_panel_key(
    make_settings: SettingsFactory,
    emulator: EmulatorServer[EmulatedPanel],
    subscriber: Subscriber,
) -> None:
    garage = EmulatorServer(
        EmulatedPanel(load_scenario("demo")), bytes.fromhex(CONTROLLER_KEY), port=0
    )
    await garage.start()
    base: Json = {
        "host": "127.0.0.1",
        "controller_key": CONTROLLER_KEY,
        "request_timeout": 2.0,
        "time_sync": False,
    }
    panels = [
        {**base, "id": "house", "port": emulator.port},
        {**base, "id": "garage", "port": garage.port},
    ]
    try:
        async with running(make_settings(panels=panels)):
            await subscriber.wait_for(HOUSE, "online")
            await subscriber.wait_for("omni2mqtt/garage/availability", "online")
            error = failed(await ask(subscriber, "resync"), "panel_required")
            assert "house" in error and "garage" in error
            assert ok(await ask(subscriber, "resync", {"panel": "garage"})) == {"panel": "garage"}
            got = ok(await ask(subscriber, "program/get", {"panel": "house", "slot": 1}))
            assert got["program"] is not None
            failed(await ask(subscriber, "event_log", {"panel": "attic"}), "unknown_panel")
            health = ok(await ask(subscriber, "health"))
            assert [p["id"] for p in health["panels"]] == ["house", "garage"]
            only = ok(await ask(subscriber, "health", {"panel": "garage"}))
            assert [p["id"] for p in only["panels"]] == ["garage"]
            info = await info_where(subscriber, lambda body: len(body["panels"]) == 2)
            assert {p["id"] for p in info["panels"]} == {"house", "garage"}
    finally:
        await garage.stop()
