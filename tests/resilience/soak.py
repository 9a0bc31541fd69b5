"""The soak: panel faults and broker restarts one after another, each followed by a recovery
check against the emulator's truth, while the house keeps changing.

Every incident is verified on its own: a fault that ends the panel session must show
``availability`` going ``offline`` and back ``online`` on the broker; a Nak burst must not end
it; a broker restart must end with everything republished. After every incident the whole
retained store (state, info, availability, discovery) must equal what a fresh client renders
from a frozen copy of the emulated panel.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from omni2mqtt.config import Settings
from omni2mqtt.emulator.faults import RequestFault
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.mqtt.attributes import OFFLINE, ONLINE
from omni2mqtt.mqtt.gateway import Gateway

from ..broker import Mosquitto
from .activity import Activity
from .faults import ScheduledFaults, stop_broker
from .mirror import RetainedMirror
from .stack import (
    AVAILABILITY,
    BRIDGE_INFO,
    BRIDGE_STATE,
    TIMEOUT,
    CountingEmulator,
    result_of,
    wait_until,
)
from .truth import compared, difference, expected_retained

PANEL_FAULTS = (
    "drop_now",
    "drop_mid_request",
    "drop_mid_sync",
    "garbage_now",
    "garbage_reply",
    "garbage_mid_sync",
    "stall",
    "refused_session",
    "nak_burst",
    "nak_mid_sync",
)
BROKER_EVERY = 5  # a broker restart after every this many panel faults
DISARM = json.dumps({"action": "disarm", "code": "1234"})


@dataclass
class Stack:
    broker: Mosquitto
    panel: EmulatedPanel
    emulator: CountingEmulator
    faults: ScheduledFaults
    gateway: Gateway
    mirror: RetainedMirror
    settings: Settings
    key: bytes


@dataclass
class Tally:
    incidents: Counter[str] = field(default_factory=Counter)
    broker_restarts: Counter[str] = field(default_factory=Counter)
    recoveries: int = 0  # offline -> online seen on the broker
    checkpoints: int = 0
    topics_compared: int = 0
    security_sent: int = 0


class Soak:
    def __init__(self, stack: Stack, seed: int) -> None:
        self.stack = stack
        self.rng = random.Random(seed)
        self.activity = Activity(stack.panel, stack.mirror, seed=seed + 1)
        self.tally = Tally()
        self._barrier = 0
        self.incidents: dict[str, Callable[[], Awaitable[None]]] = {
            "drop_now": self.drop_now,
            "drop_mid_request": self.drop_mid_request,
            "drop_mid_sync": self.drop_mid_sync,
            "garbage_now": self.garbage_now,
            "garbage_reply": self.garbage_reply,
            "garbage_mid_sync": self.garbage_mid_sync,
            "stall": self.stall,
            "refused_session": self.refused_session,
            "nak_burst": self.nak_burst,
            "nak_mid_sync": self.nak_mid_sync,
        }

    # -- the run -----------------------------------------------------------------------------------

    async def run(self, minimum_cycles: int, seconds: float) -> None:
        """At least ``minimum_cycles`` rounds of every panel fault (two broker restarts each),
        and more until ``seconds`` have passed."""
        started = time.monotonic()
        self.activity.start()
        cycle = 0
        while cycle < minimum_cycles or time.monotonic() - started < seconds:
            for index, name in enumerate(PANEL_FAULTS):
                await self.incident(name)
                if (index + 1) % BROKER_EVERY == 0:
                    await self.broker_restart(kill=index < BROKER_EVERY, with_drop=cycle % 2 == 1)
            cycle += 1
        await self.activity.stop()

    async def incident(self, name: str) -> None:
        self.tally.incidents[name] += 1
        await self.incidents[name]()
        await self.checkpoint()

    # -- panel faults that end the session ---------------------------------------------------------

    async def outage(self, trigger: Callable[[], Awaitable[object]]) -> None:
        """Run ``trigger``; the broker must then show the panel offline and back online."""
        mirror = self.stack.mirror
        start = len(mirror.log)
        await trigger()

        def recovered() -> bool:
            seen = mirror.payloads(AVAILABILITY, start)
            return OFFLINE in seen and seen[-1] == ONLINE

        await mirror.wait(recovered, TIMEOUT)
        self.tally.recoveries += 1

    async def command(self, path: str, payload: str = "ON") -> None:
        await self.activity.command(path, payload)

    async def drop_now(self) -> None:
        async def trigger() -> None:
            assert self.stack.emulator.drop_connection()

        await self.outage(trigger)

    async def drop_mid_request(self) -> None:
        async def trigger() -> None:
            self.stack.faults.arm(RequestFault.DROP)
            await self.command("unit/6")

        await self.outage(trigger)

    async def _mid_sync(self, fault: RequestFault, count: int = 1) -> None:
        async def trigger() -> None:
            assert self.stack.emulator.drop_connection()
            # The next session's sync is 14 requests with warm names (cached capacities,
            # names checked after going online): land inside it.
            self.stack.faults.arm_after(self.rng.randint(1, 14), fault, count)

        await self.outage(trigger)

    async def drop_mid_sync(self) -> None:
        await self._mid_sync(RequestFault.DROP)

    async def garbage_now(self) -> None:
        async def trigger() -> None:
            assert self.stack.emulator.send_garbage(self.rng.randint(16, 300))
            await self.command("unit/7")  # a reply after the garbage exposes it

        await self.outage(trigger)

    async def garbage_reply(self) -> None:
        async def trigger() -> None:
            self.stack.faults.arm(RequestFault.GARBAGE, size=self.rng.randint(16, 300))
            await self.command("unit/8")

        await self.outage(trigger)

    async def garbage_mid_sync(self) -> None:
        await self._mid_sync(RequestFault.GARBAGE)

    async def stall(self) -> None:
        """The panel holds every reply for longer than two request timeouts: the disarm times
        out (reported, never retried), the next command too, and the session is dropped."""
        timeout = self.stack.settings.panels[0].request_timeout

        async def trigger() -> None:
            self.stack.faults.stall(timeout * 3.5)
            self.tally.security_sent += 1
            await self.command("area/1", DISARM)
            await self.command("unit/257")

        await self.outage(trigger)

    async def refused_session(self) -> None:
        async def trigger() -> None:
            self.stack.faults.refuse_next_sessions(self.rng.randint(1, 3))
            assert self.stack.emulator.drop_connection()

        await self.outage(trigger)

    async def nak_mid_sync(self) -> None:
        await self._mid_sync(RequestFault.NAK, self.rng.randint(1, 5))

    # -- faults that must not end the session ------------------------------------------------------

    async def nak_burst(self) -> None:
        mirror, faults = self.stack.mirror, self.stack.faults
        start = len(mirror.log)
        burst = self.rng.randint(3, 10)
        faults.arm(RequestFault.NAK, burst)
        while faults.pending[RequestFault.NAK]:
            # Levels, not ON: a dimmer turned "on" shows the level the gateway remembers, which
            # a fresh client cannot know (README: the last level is kept across on/off).
            await self.command(f"unit/{self.rng.choice((1, 2, 3))}/brightness", "40")
            await asyncio.sleep(0.02)
        assert OFFLINE not in mirror.payloads(AVAILABILITY, start), "a Nak ended the session"

    # -- the broker --------------------------------------------------------------------------------

    async def broker_restart(self, *, kill: bool, with_drop: bool) -> None:
        """Kill or stop mosquitto and start it again; with ``with_drop`` the panel session drops
        too while the broker is away, and the resync completes with nobody to publish to."""
        stack = self.stack
        client = stack.gateway.panels["house"].client
        losses, sessions = stack.mirror.connection_losses, client.sessions
        await asyncio.to_thread(stop_broker, stack.broker, kill=kill)
        self.tally.broker_restarts["sigkill" if kill else "sigterm"] += 1
        if with_drop:
            assert stack.emulator.drop_connection()
            self.tally.incidents["drop_while_broker_down"] += 1
            await wait_until(lambda: client.sessions > sessions and client.available)
        await asyncio.to_thread(stack.broker.start)
        await stack.mirror.wait(lambda: stack.mirror.connection_losses > losses, TIMEOUT)
        await self.checkpoint()

    # -- recovery check ----------------------------------------------------------------------------

    async def checkpoint(self) -> None:
        """Quiesce, then the broker's retained store must equal the truth."""
        stack, mirror = self.stack, self.stack.mirror
        stack.faults.clear()
        await mirror.wait(
            lambda: (
                mirror.connected
                and mirror.retained.get(BRIDGE_STATE) == ONLINE
                and mirror.retained.get(AVAILABILITY) == ONLINE
            ),
            TIMEOUT,
        )
        await self.activity.pause()
        await self.barrier()
        expected = await expected_retained(stack.panel, stack.settings, stack.key)
        try:
            await mirror.wait(lambda: compared(mirror.retained, stack.settings) == expected, 30)
        except TimeoutError:
            actual = compared(mirror.retained, stack.settings)
            raise AssertionError(
                f"after {self.tally.incidents}: retained state differs from the emulator:\n"
                + "\n".join(difference(actual, expected))
            ) from None
        info = json.loads(mirror.retained[BRIDGE_INFO])
        assert [(p["available"], p["last_error"]) for p in info["panels"]] == [(True, None)]
        self.tally.checkpoints += 1
        self.tally.topics_compared += len(expected)
        self.activity.resume()

    async def barrier(self) -> None:
        """One command answered ``ok``: every command published before it has run (the router
        runs a panel's commands in arrival order), so the panel's state is final."""
        while True:
            self._barrier += 1
            transaction = f"barrier-{self._barrier}"
            start = len(self.stack.mirror.log)
            payload = json.dumps({"value": self._barrier % 101, "transaction": transaction})
            await self.stack.mirror.publish("omni2mqtt/house/unit/4/brightness/set", payload)
            result = await result_of(self.stack.mirror, "unit/4/brightness", transaction, start)
            if result["status"] == "ok":
                return
            # The session flapped under load (a slow reply counts as a timeout): wait, retry.
            await self.stack.mirror.wait_payload(AVAILABILITY, ONLINE, TIMEOUT)
