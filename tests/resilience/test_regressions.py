"""Focused tests for what the soak and the fuzzers found; each failed before its fix.

- A Nak in the sync stopped the panel client for good (not retried; ``stop()`` re-raised it).
- A Nak in the middle of a names walk was taken as the end: objects and their Home Assistant
  entities vanished until the next reconnect.
- A trouble raised between the sync's trouble read and EnableNotifications was never seen.
- A value that went away (a light turned on with no known level) left its old retained payload.
- ``phone_state`` stayed ``dead`` after the line recovered while the gateway was disconnected.
- When the broker was killed, aiomqtt's socket watch on an already closed socket surfaced as
  an "Exception in callback" error with a traceback (harmless, but an unhandled-exception log).
- A topic level of non-ASCII digits (``zone/\u00b2/set``) crashed the command handler: no result;
  such digits in a bridge request's number gave ``internal_error`` instead of ``bad_payload``.
"""

from __future__ import annotations

import asyncio
import errno
import json

from omni2mqtt.emulator.faults import RequestFault
from omni2mqtt.mqtt.attributes import OFFLINE, ONLINE
from omni2mqtt.panel.client import PanelClient, PanelClientOptions
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.generic import Nak
from omni2mqtt.protocol.messages.notifications import EnableNotifications
from omni2mqtt.protocol.messages.properties import RequestProperties
from omni2mqtt.protocol.objects import ObjectType
from omni2mqtt.protocol.system_tables import Trouble

from .conftest import CONTROLLER_KEY, FAST_RECONNECT, Running
from .mirror import RetainedMirror
from .stack import AVAILABILITY, BASE, BRIDGE_STATE, CountingEmulator, ErrorLog, wait_until


def _client(emulator: CountingEmulator) -> PanelClient:
    return PanelClient(
        PanelClientOptions(
            host="127.0.0.1",
            port=emulator.port,
            controller_key=bytes.fromhex(CONTROLLER_KEY),
            request_timeout=2.0,
            reconnect=FAST_RECONNECT,
        )
    )


async def test_a_nak_to_the_first_sync_request_is_retried(emulator: CountingEmulator) -> None:
    emulator.faults.arm(RequestFault.NAK)  # RequestSystemInformation
    client = _client(emulator)
    await client.start()
    try:
        await client.wait_available(30)
        assert client.sessions == 2
    finally:
        await client.stop()  # raised the PanelNakError of the dead client task before


async def test_a_nak_in_the_middle_of_a_walk_keeps_every_object(
    emulator: CountingEmulator,
) -> None:
    client = _client(emulator)  # no name cache: every session walks the names
    await client.start()
    try:
        await client.wait_available(30)
        units = [info.number for info in client.state.objects(ObjectType.UNIT)]
        assert len(units) == 16
        naks = {"left": 1}

        def nak_once_mid_walk(message: Message) -> Message | None:
            if (
                isinstance(message, RequestProperties)
                and message.object_type == ObjectType.UNIT
                and message.index >= 5
                and naks["left"]
            ):
                naks["left"] -= 1
                return Nak()
            return None

        emulator.intercept = nak_once_mid_walk
        assert emulator.drop_connection()
        await wait_until(lambda: client.sessions >= 3 and client.available)
        assert naks["left"] == 0
        assert [info.number for info in client.state.objects(ObjectType.UNIT)] == units
    finally:
        await client.stop()


async def test_a_trouble_raised_during_the_sync_is_seen(emulator: CountingEmulator) -> None:
    panel = emulator.panel

    def trouble_before_notifications(message: Message) -> Message | None:
        if isinstance(message, EnableNotifications):
            panel.set_trouble(Trouble.AC_POWER, True)  # nothing is pushed yet
        return None

    emulator.intercept = trouble_before_notifications
    client = _client(emulator)
    await client.start()
    try:
        await client.wait_available(30)
        assert client.state.system_view().ac_power_ok is False
    finally:
        await client.stop()


async def test_a_value_that_goes_away_is_cleared(running: Running, mirror: RetainedMirror) -> None:
    topic = f"{BASE}/unit/6/brightness"  # a plain (non-dimming) unit, off: level 0
    await mirror.wait_payload(topic, "0")
    await mirror.publish(f"{BASE}/unit/6/set", "ON")  # "on": no level known any more
    await mirror.wait_payload(f"{BASE}/unit/6/state", "ON")
    await mirror.wait(lambda: topic not in mirror.retained)


async def test_phone_state_follows_the_trouble_list_after_a_reconnect(
    running: Running, emulator: CountingEmulator, mirror: RetainedMirror
) -> None:
    await mirror.wait_payload(AVAILABILITY, ONLINE)
    emulator.panel.set_trouble(Trouble.PHONE_LINE, True)
    await mirror.wait_payload(f"{BASE}/system/phone_state", "dead")
    await emulator.stop()
    await mirror.wait_payload(AVAILABILITY, OFFLINE)
    emulator.panel.set_trouble(Trouble.PHONE_LINE, False)  # its word is pushed to nobody
    await emulator.start()
    await mirror.wait_payload(AVAILABILITY, ONLINE)
    await mirror.wait_payload(f"{BASE}/system/phone_line", "ok")
    await mirror.wait(lambda: mirror.retained.get(f"{BASE}/system/phone_state") != "dead")


async def test_non_ascii_digits_in_a_topic_get_an_error_result(
    running: Running, mirror: RetainedMirror
) -> None:
    await mirror.wait_payload(AVAILABILITY, ONLINE)
    for path in ("zone/\u00b2/bypass", "unit/\u00b9\u00b2", "area/\u0663"):
        start = len(mirror.log)
        await mirror.publish(f"{BASE}/{path}/set", "ON")
        result = f"{BASE}/{path}/result"
        await mirror.wait(lambda result=result, start=start: bool(mirror.payloads(result, start)))
        assert '"bad_payload"' in mirror.payloads(result, start)[0]


async def test_non_ascii_digits_in_a_bridge_request_are_a_bad_payload(
    running: Running, mirror: RetainedMirror
) -> None:
    await mirror.wait_payload(AVAILABILITY, ONLINE)
    for action, body in (("event_log", {"count": "\u00b2"}), ("program/get", {"slot": "\u00b9"})):
        start = len(mirror.log)
        await mirror.publish(f"omni2mqtt/bridge/request/{action}", json.dumps(body))
        topic = f"omni2mqtt/bridge/response/{action}"
        await mirror.wait(lambda topic=topic, start=start: bool(mirror.payloads(topic, start)))
        assert json.loads(mirror.payloads(topic, start)[0])["error_type"] == "bad_payload"


async def test_a_closed_mqtt_socket_watch_is_not_an_error_but_others_are(
    running: Running, mirror: RetainedMirror, errors: ErrorLog
) -> None:
    # Connected first: a gateway stopped while aiomqtt is still connecting leaves paho's socket
    # for the garbage collector (an unraisable "Event loop is closed" in a later test).
    await mirror.wait_payload(BRIDGE_STATE, ONLINE)
    loop = asyncio.get_running_loop()
    closed = OSError(errno.EBADF, "Bad file descriptor")
    loop.call_exception_handler(
        {
            "message": "Exception in callback BaseSelectorEventLoop.add_writer(18, cb)",
            "exception": closed,
        }
    )
    assert errors.records == []
    loop.call_exception_handler({"message": "Task exception", "exception": ValueError("x")})
    assert len(errors.records) == 1
    errors.records.clear()
