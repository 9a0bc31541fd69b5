"""House activity for the soak: the emulated panel changes state while faults are injected.

Changes come from both sides, as in a real house: sensors and troubles in the emulator (pushed
to the gateway as SystemEvents and ExtendedStatus), and users' commands through MQTT command
topics. Nothing here starts a timer in the panel (no arming, no timed units, no 24-hour zones,
readings never 0 = "no reading"), so the panel's state only changes when this generator acts:
a frozen copy of it is the truth the gateway must converge to.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Callable

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.protocol.system_tables import Trouble

from .mirror import RetainedMirror

BASE = "omni2mqtt/house"
# Burglary zones of disarmed areas: opening them changes readiness, never raises an alarm.
ZONES = (1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 18)
ANALOG_ZONES = (19, 20, 21)
THERMOSTATS = (1, 2)
OUTDOOR_SENSOR = 1  # the demo's thermostat with an outdoor temperature
# Troubles with an event word: the panel pushes them (freeze and fuse have none).
TROUBLES = (Trouble.AC_POWER, Trouble.BATTERY_LOW, Trouble.PHONE_LINE, Trouble.COMMUNICATOR)
DIMMERS = (1, 2, 3, 4, 5)
SWITCHES = (6, 7, 8, 257, 258)
FLAGS = (393, 394, 395)


def _reading(rng: random.Random) -> int:
    return rng.randint(60, 200)


class Activity:
    """Random state changes every ``interval`` seconds while running; counts what it did."""

    def __init__(
        self,
        panel: EmulatedPanel,
        mirror: RetainedMirror,
        *,
        seed: int,
        interval: float = 0.03,
    ) -> None:
        self.panel = panel
        self.mirror = mirror
        self.interval = interval
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self._running = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._running.set()
        self._task = asyncio.create_task(self._run(), name="soak-activity")

    async def stop(self) -> None:
        await self.pause()
        if self._task is not None:
            self._task.cancel()

    async def pause(self) -> None:
        """Stop changing anything; returns once the change in progress is done."""
        self._running.clear()
        await self._idle.wait()

    def resume(self) -> None:
        self._running.set()

    async def _run(self) -> None:
        while True:
            await self._running.wait()
            self._idle.clear()
            try:
                await self.step()
            finally:
                self._idle.set()
            await asyncio.sleep(self.interval)

    async def step(self) -> None:
        actions: list[Callable[[], object]] = [
            self._zone,
            self._zone,
            self._analog,
            self._thermostat,
            self._trouble,
            self._unit_command,
            self._unit_command,
            self._other_command,
        ]
        result = self.rng.choice(actions)()
        if asyncio.iscoroutine(result):
            await result

    # -- the panel's side ------------------------------------------------------------------------

    def _zone(self) -> None:
        self.panel.set_zone_open(self.rng.choice(ZONES), self.rng.random() < 0.5)
        self.counts["zone"] += 1

    def _analog(self) -> None:
        self.panel.set_zone_loop(self.rng.choice(ANALOG_ZONES), _reading(self.rng))
        self.counts["analog"] += 1

    def _thermostat(self) -> None:
        rng = self.rng
        number = rng.choice(THERMOSTATS)
        # Only readings the thermostat already has: one that first appears enables its Home
        # Assistant entity at the next sync, a difference from a fresh client by design.
        outdoor = _reading(rng) if number == OUTDOOR_SENSOR else None
        self.panel.set_thermostat(
            number,
            temperature=_reading(rng),
            humidity=rng.randint(60, 150),  # 14..95 %
            outdoor_temperature=outdoor,
        )
        self.counts["thermostat"] += 1

    def _trouble(self) -> None:
        self.panel.set_trouble(self.rng.choice(TROUBLES), self.rng.random() < 0.5)
        self.counts["trouble"] += 1

    # -- users, through MQTT ----------------------------------------------------------------------

    async def command(self, path: str, payload: str) -> None:
        await self.mirror.publish(f"{BASE}/{path}/set", payload)
        self.counts["command"] += 1

    async def _unit_command(self) -> None:
        rng = self.rng
        if rng.random() < 0.5:
            await self.command(f"unit/{rng.choice(DIMMERS)}/brightness", str(rng.randint(0, 100)))
        else:
            await self.command(f"unit/{rng.choice(SWITCHES)}", rng.choice(("ON", "OFF")))

    async def _other_command(self) -> None:
        rng = self.rng
        choices = [
            (f"unit/{rng.choice(FLAGS)}/value", str(rng.randint(0, 255))),
            (f"audio_zone/{rng.randint(1, 2)}/volume", str(rng.randint(0, 100))),
            (f"lock/{rng.randint(1, 2)}", rng.choice(("LOCK", "UNLOCK"))),
            (f"message/{rng.randint(1, 3)}", rng.choice(("show", "clear"))),
            (
                f"thermostat/{rng.choice(THERMOSTATS)}/heat_setpoint",
                json.dumps({"value": rng.randint(60, 70)}),
            ),
        ]
        await self.command(*rng.choice(choices))
