"""``omni2mqtt demo`` as a real process: embedded amqtt, an existing mosquitto, a busy port."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator

import pytest

from omni2mqtt.demo.broker import BrokerError, choose_broker

from ..broker import Mosquitto, free_port, subscribed

TIMEOUT = 60.0  # a cold interpreter on a busy machine; conditions are awaited, never timed
HA_LINE = (
    "Home Assistant: add the MQTT integration with broker 127.0.0.1 port {port}; "
    "entities appear under the device 'Demo House'"
)
STOPPED = "omni2mqtt demo: stopped: panel session closed cleanly, omni2mqtt/bridge/state offline"


class Demo:
    """The demo process; its stdout is collected line by line as it comes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self.stderr = ""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    async def wait_line(self, pattern: str) -> str:
        """The first output line matching the regular expression ``pattern``."""
        assert self.process.stdout is not None
        found = re.compile(pattern)
        async with asyncio.timeout(TIMEOUT):
            for line in self.lines:
                if found.search(line):
                    return line
            while True:
                raw = await self.process.stdout.readline()
                if not raw:
                    raise AssertionError(f"no line matching {pattern!r} in:\n{self.text}")
                line = raw.decode().rstrip("\n")
                self.lines.append(line)
                if found.search(line):
                    return line

    async def finish(self) -> int:
        assert self.process.stdout is not None and self.process.stderr is not None
        rest, stderr = await asyncio.wait_for(self.process.communicate(), TIMEOUT)
        self.lines += rest.decode().splitlines()
        self.stderr = stderr.decode()
        assert self.process.returncode is not None
        return self.process.returncode


@pytest.fixture
async def spawn() -> AsyncIterator[object]:
    started: list[Demo] = []

    async def start(*args: str) -> Demo:
        env = {k: v for k, v in os.environ.items() if not k.startswith("OMNI2MQTT_")}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "omni2mqtt.cli",
            "demo",
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        demo = Demo(process)
        started.append(demo)
        return demo

    yield start
    for demo in started:
        if demo.process.returncode is None:
            demo.process.kill()
            await demo.process.wait()


async def test_demo_shows_the_house_and_stops_after_its_duration(spawn: object) -> None:
    port = free_port()
    demo: Demo = await spawn("--mqtt-port", str(port), "--duration", "8")  # type: ignore[operator]
    assert await demo.finish() == 0, demo.stderr
    text = demo.text
    assert f"MQTT broker     mqtt://127.0.0.1:{port} (embedded amqtt " in text
    assert "controller key 00112233445566778899aabbccddeeff" in text
    assert "master code     1234" in text
    assert f"mosquitto_sub -h 127.0.0.1 -p {port} -t 'omni2mqtt/#' -v" in text
    assert HA_LINE.format(port=port) in text
    assert re.search(r"^\d\d:\d\d:\d\d  bridge online$", text, re.M)
    assert re.search(r"^\d\d:\d\d:\d\d  area 1 HOUSE +disarmed$", text, re.M)
    assert re.search(r"^\d\d:\d\d:\d\d  zone 5 KITCHEN WINDOW +OPEN$", text, re.M)
    assert re.search(r"^\d\d:\d\d:\d\d  event: zone 5 not ready$", text, re.M)
    assert "\033[" not in text  # not a terminal: no colour
    assert text.endswith(STOPPED)
    assert "Traceback" not in demo.stderr


async def test_sigterm_ends_the_session_and_publishes_offline(spawn: object) -> None:
    port = free_port()
    demo: Demo = await spawn("--mqtt-port", str(port))  # type: ignore[operator]
    await demo.wait_line("^Home Assistant: ")  # the broker is up before the banner
    async with subscribed(port, "omni2mqtt/bridge/state", "omni2mqtt/demo/area/1/#") as sub:
        await sub.wait_for("omni2mqtt/bridge/state", "online", TIMEOUT)
        # The activity arms the house the way a user does: a command topic write with the code.
        command = await sub.wait_message("omni2mqtt/demo/area/1/set", TIMEOUT)
        assert json.loads(command.payload) == {"action": "ARM_AWAY", "code": "1234"}
        await demo.wait_line(r"  command: area 1 HOUSE <- ARM_AWAY \(with code\)$")
        await demo.wait_line(r"  result: area 1 arm_away: ok$")
        await demo.wait_line(r"  area 1 HOUSE +disarmed -> arming$")
        demo.process.send_signal(signal.SIGTERM)
        assert await demo.finish() == 0, demo.stderr
        await sub.wait_for("omni2mqtt/bridge/state", "offline", TIMEOUT)
    assert re.search(r"  bridge offline$", demo.text, re.M)
    assert demo.text.endswith(STOPPED)
    assert "1234" not in "\n".join(line for line in demo.lines if "command:" in line)


async def test_a_running_broker_is_used_instead_of_amqtt(spawn: object) -> None:
    mosquitto = Mosquitto()
    mosquitto.start()
    try:
        demo = await _run_against(mosquitto, spawn)
    finally:
        mosquitto.stop()
    text = demo.text
    assert f"mqtt://127.0.0.1:{mosquitto.port} (already running: using it)" in text
    assert "amqtt" not in text
    assert HA_LINE.format(port=mosquitto.port) in text
    assert not re.search(r"^\d\d:\d\d:\d\d  ", text, re.M)  # --quiet: the banner only


async def _run_against(mosquitto: Mosquitto, spawn: object) -> Demo:
    async with subscribed(mosquitto.port, "omni2mqtt/#", "homeassistant/#") as sub:
        args = ("--mqtt-port", str(mosquitto.port), "--no-activity", "--quiet")
        demo: Demo = await spawn(*args)  # type: ignore[operator]
        await sub.wait_for("omni2mqtt/demo/availability", "online", TIMEOUT)
        topic = "homeassistant/alarm_control_panel/omni2mqtt_demo/area_1/config"
        config = await sub.wait_for(topic, timeout=TIMEOUT)
        assert json.loads(config)["device"]["name"] == "Demo House"
        demo.process.send_signal(signal.SIGTERM)
        assert await demo.finish() == 0, demo.stderr
        # mosquitto keeps the retained offline: the clean exit published it.
        await sub.wait_for("omni2mqtt/bridge/state", "offline", TIMEOUT)
        await sub.wait_for("omni2mqtt/demo/availability", "offline", TIMEOUT)
    return demo


async def test_a_port_held_by_something_else_moves_the_broker(spawn: object) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy = holder.getsockname()[1]
        args = ("--mqtt-port", str(busy), "--duration", "1", "--no-activity", "--quiet")
        demo: Demo = await spawn(*args)  # type: ignore[operator]
        assert await demo.finish() == 0, demo.stderr
    match = re.search(r"the embedded broker uses port (\d+) instead", demo.text)
    assert match, demo.text
    assert f"port {busy}: something that is not an MQTT broker listens" in demo.text
    assert f"mosquitto_sub -h 127.0.0.1 -p {match[1]} " in demo.text


async def test_without_amqtt_and_broker_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "amqtt.broker", None)  # import fails: not installed
    with pytest.raises(BrokerError, match=r"pip install 'omni2mqtt\[demo\]'"):
        await choose_broker("127.0.0.1", free_port())
