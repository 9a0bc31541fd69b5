"""The demo's parts and their order: broker, emulator, live view, gateway, activity.

Everything runs in one event loop. Shutdown goes in reverse: the activity stops, the gateway
ends the panel session (ClientSessionTerminated) and publishes ``offline``, the view waits to
see that ``offline`` reach the broker, then the view, the emulator and the broker stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO, TypeVar

from ..cli_support import address
from ..config import Settings
from ..emulator.control import ControlServer
from ..emulator.panel import EmulatedPanel
from ..emulator.scenario import Scenario, load_scenario
from ..emulator.server import EmulatorServer
from ..emulator.tcp import TcpService
from ..mqtt.attributes import OFFLINE
from ..mqtt.gateway import Gateway
from .activity import MASTER_CODE, Activity
from .broker import BrokerChoice, choose_broker
from .view import LiveView, Printer

_LOGGER = logging.getLogger(__name__)

HOST = "127.0.0.1"
# A demo key, printed in the banner: the emulator listens on loopback only, and the gateway
# holds its single session slot anyway.
DEMO_KEY = "00112233445566778899aabbccddeeff"
PANEL_ID = "demo"
PANEL_NAME = "Demo House"
EMULATOR_PORT = 4369
# Short delays so an arm/disarm cycle fits in a few seconds (a real house uses 30-60 s).
EXIT_DELAY = 4
ENTRY_DELAY = 8
SETTLE = 1.0  # after the first sync, let the initial publish burst pass before acting
OFFLINE_WAIT = 3.0

S = TypeVar("S", bound=TcpService)


@dataclass(frozen=True)
class DemoOptions:
    mqtt_port: int = 1883
    base_topic: str = "omni2mqtt"
    duration: float | None = None
    activity: bool = True
    quiet: bool = False


def demo_scenario(exit_delay: int = EXIT_DELAY, entry_delay: int = ENTRY_DELAY) -> Scenario:
    """The built-in demo house with exit and entry delays short enough to watch."""
    scenario = load_scenario("demo")
    delays = {"exit_delay": exit_delay, "entry_delay": entry_delay}
    areas = [area.model_copy(update=delays) for area in scenario.areas]
    return scenario.model_copy(update={"areas": areas})


def demo_settings(broker: BrokerChoice, panel_port: int, base_topic: str) -> Settings:
    return Settings.model_validate(
        {
            "mqtt": {
                "url": broker.url,
                # Not the default id: a real gateway (or a second demo) on the same broker
                # must not be kicked off.
                "client_id": f"omni2mqtt-demo-{os.getpid()}",
                "base_topic": base_topic,
                "reconnect_min_delay": 0.5,
                "reconnect_max_delay": 5,
            },
            "panels": [
                {
                    "id": PANEL_ID,
                    "name": PANEL_NAME,
                    "host": HOST,
                    "port": panel_port,
                    "controller_key": DEMO_KEY,
                    "time_sync": False,
                }
            ],
            # No name cache: demo names must never be mistaken for a real panel's.
            "name_cache": False,
        }
    )


async def _listen(make: Callable[[int], S], port: int) -> S:
    """``make(port)`` started; on a busy port, ``make(0)`` (any free port)."""
    service = make(port)
    try:
        await service.start()
    except OSError:
        service = make(0)
        await service.start()
    return service


class Demo:
    def __init__(self, options: DemoOptions, out: TextIO) -> None:
        self.options = options
        self.out = out
        self.offline_seen = False

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    async def run(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set or the duration has passed; raises BrokerError."""
        options = self.options
        async with contextlib.AsyncExitStack() as stack:
            broker = await choose_broker(HOST, options.mqtt_port)
            stack.push_async_callback(broker.stop)
            panel = EmulatedPanel(demo_scenario())
            key = bytes.fromhex(DEMO_KEY)
            server = await _listen(
                lambda p: EmulatorServer(panel, key, host=HOST, port=p), EMULATOR_PORT
            )
            stack.push_async_callback(server.stop)
            control = await _listen(
                lambda p: ControlServer(server, host=HOST, port=p), server.port + 1
            )
            stack.push_async_callback(control.stop)
            settings = demo_settings(broker, server.port, options.base_topic)
            self.banner(broker, server, control, settings)
            view = LiveView(
                HOST, broker.port, options.base_topic, Printer(self.out, enabled=not options.quiet)
            )
            await view.start()
            stack.push_async_callback(view.stop)
            gateway = Gateway(settings)
            # Runs after the gateway stopped (callbacks unwind in reverse).
            stack.push_async_callback(self._confirm_offline, view, gateway.topics.bridge_state)
            stack.push_async_callback(gateway.stop)
            await gateway.start()
            if options.activity:
                task = asyncio.create_task(self._activity(gateway, panel, server, view))
                stack.push_async_callback(_cancel, task)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), options.duration)
        self.farewell(server)

    async def _confirm_offline(self, view: LiveView, topic: str) -> None:
        self.offline_seen = await view.wait_for(topic, OFFLINE, OFFLINE_WAIT)

    async def _activity(
        self,
        gateway: Gateway,
        panel: EmulatedPanel,
        server: EmulatorServer[EmulatedPanel],
        view: LiveView,
    ) -> None:
        await gateway.panels[PANEL_ID].client.wait_available()
        await asyncio.sleep(SETTLE)
        activity = Activity(
            panel, server, view.publish, gateway.topics, PANEL_ID, exit_delay=EXIT_DELAY
        )
        try:
            await activity.run()
        except Exception:  # the simulation is decoration: the demo goes on without it
            _LOGGER.exception("demo: the simulated activity stopped")

    def banner(
        self,
        broker: BrokerChoice,
        server: EmulatorServer[EmulatedPanel],
        control: ControlServer,
        settings: Settings,
    ) -> None:
        base, port = self.options.base_topic, broker.port
        model = server.panel.scenario.model.display_name
        self.say(f'omni2mqtt demo: "{PANEL_NAME}", an emulated {model}, bridged to MQTT')
        self.say(
            f"  panel emulator  {address(HOST, server.port)}, controller key {DEMO_KEY} "
            f"(control channel {address(HOST, control.port)})"
        )
        self.say(f"  MQTT broker     {broker.url} ({broker.description})")
        if broker.note:
            self.say(f"                  note: {broker.note}")
        self.say(
            f"  topics          {base}/{PANEL_ID}/... "
            f"(Home Assistant discovery under {settings.mqtt.discovery_prefix}/)"
        )
        self.say(f"  master code     {MASTER_CODE} (arm and disarm from Home Assistant or MQTT)")
        self.say()
        self.say(f"Watch:           mosquitto_sub -h {HOST} -p {port} -t '{base}/#' -v")
        arm = f"{base}/{PANEL_ID}/area/1/set"
        self.say(
            f"Arm the house:   mosquitto_pub -h {HOST} -p {port} -t {arm} "
            f"""-m '{{"action": "ARM_AWAY", "code": "{MASTER_CODE}"}}'"""
        )
        self.say(
            f"""Open a window:   echo '{{"op": "trip_zone", "zone": 5}}' | nc -q1 {HOST} """
            f"{control.port}"
        )
        self.say(
            f"Home Assistant: add the MQTT integration with broker {HOST} port {port}; "
            f"entities appear under the device '{PANEL_NAME}'"
        )
        if self.options.activity:
            self.say(
                "Simulated activity: windows and motion, a drifting thermostat, an arm/disarm "
                "cycle with code 1234, an AC power failure; it repeats about every 30 s."
            )
        duration = self.options.duration
        end = f"The demo stops after {duration:g} s or on Ctrl-C" if duration else "Ctrl-C stops"
        self.say(f"{end} (the panel session is closed, {base}/bridge/state goes offline).")
        self.say()

    def farewell(self, server: EmulatorServer[EmulatedPanel]) -> None:
        session = (
            "panel session closed cleanly"
            if server.sessions_terminated_by_client
            else "no panel session was open"
        )
        state = f"{self.options.base_topic}/bridge/state"
        bridge = f"{state} offline" if self.offline_seen else f"{state} offline not confirmed"
        self.say(f"omni2mqtt demo: stopped: {session}, {bridge}")


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
