"""Simulated life in the demo house, so state visibly flows through the gateway.

Sensors change in the emulator itself (a window opens, motion, a thermostat drifts, the AC
power fails), as they would in a real house. Arming and disarming go the way a user does it:
a write to the gateway's MQTT command topic with the master code, so the command, its result,
the exit delay, the entry delay and the disarm all show up in the live view and in Home
Assistant. One cycle takes about half a minute and then repeats.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable

from ..emulator.panel import EmulatedPanel
from ..emulator.server import EmulatorServer
from ..mqtt.topics import Topics
from ..protocol.system_tables import Trouble

_LOGGER = logging.getLogger(__name__)

Send = Callable[[str, str], Awaitable[None]]

MASTER_CODE = "1234"
# Zones of the demo scenario the cycle uses.
FRONT_DOOR, KITCHEN_WINDOW, LIVING_MOTION, GARAGE_SIDE, OUTDOOR_TEMP = 1, 5, 8, 17, 19
HOUSE = 1
THERMOSTAT = 1
DRIFT_INTERVAL = 4.0


class Activity:
    """Drives the emulated demo panel; :meth:`run` loops until cancelled."""

    def __init__(
        self,
        panel: EmulatedPanel,
        server: EmulatorServer[EmulatedPanel],
        send: Send,
        topics: Topics,
        panel_id: str,
        *,
        exit_delay: float,
        rng: random.Random | None = None,
    ) -> None:
        self.panel = panel
        self.server = server
        self.send = send
        self.topics = topics
        self.panel_id = panel_id
        self.exit_delay = exit_delay
        self.rng = rng or random.Random()

    async def run(self) -> None:
        drift = asyncio.create_task(self._drift(), name="omni2mqtt-demo-drift")
        try:
            while True:
                await self.cycle()
        finally:
            drift.cancel()
            await asyncio.gather(drift, return_exceptions=True)

    async def cycle(self) -> None:
        await self._trip(KITCHEN_WINDOW, 1.5)
        await self._security("ARM_AWAY")  # exit delay: "arming", then "armed_away"
        await self._trip(GARAGE_SIDE, 1.5)  # area 2 stays disarmed: no alarm
        await asyncio.sleep(self.exit_delay + 1.0)
        self._zone(FRONT_DOOR, True)  # someone comes home: entry delay ("pending")
        await asyncio.sleep(2.5)
        await self._security("DISARM")
        await asyncio.sleep(1.0)
        self._zone(FRONT_DOOR, False)
        await asyncio.sleep(2.0)
        await self._trip(LIVING_MOTION, 2.0)
        self._trouble(Trouble.AC_POWER, True)
        await asyncio.sleep(4.0)
        self._trouble(Trouble.AC_POWER, False)
        await asyncio.sleep(3.0)

    # -- steps -----------------------------------------------------------------------------------

    async def _trip(self, zone: int, seconds: float) -> None:
        self._zone(zone, True)
        await asyncio.sleep(seconds)
        self._zone(zone, False)
        await asyncio.sleep(1.0)

    def _zone(self, zone: int, is_open: bool) -> None:
        self.panel.set_zone_open(zone, is_open)
        self.server.flush_pushes()  # at once rather than at the next emulator tick

    def _trouble(self, trouble: Trouble, active: bool) -> None:
        self.panel.set_trouble(trouble, active)
        self.server.flush_pushes()

    async def _security(self, action: str) -> None:
        topic = self.topics.object(self.panel_id, "area", HOUSE, "set")
        await self.send(topic, json.dumps({"action": action, "code": MASTER_CODE}))
        await asyncio.sleep(1.0)

    async def _drift(self) -> None:
        """The downstairs thermostat and the outdoor sensor wander by a raw step at a time."""
        thermostat = self.panel.thermostats.obtain(THERMOSTAT)
        low, high = thermostat.heat_setpoint - 3, thermostat.cool_setpoint + 2
        outdoor = self.panel.zones.obtain(OUTDOOR_TEMP)
        while True:
            await asyncio.sleep(DRIFT_INTERVAL)
            try:
                step = self.rng.choice((-1, 1))
                value = min(high, max(low, thermostat.temperature + step))
                self.panel.set_thermostat(THERMOSTAT, temperature=value)
                if self.rng.random() < 0.5:
                    loop = min(150, max(80, outdoor.loop + self.rng.choice((-1, 1))))
                    self.panel.set_zone_loop(OUTDOOR_TEMP, loop)
                self.server.flush_pushes()
            except ValueError:
                _LOGGER.exception("demo: drifting the readings failed")
