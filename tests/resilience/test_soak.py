"""Soak: >= 100 panel faults and >= 20 real broker restarts while the house keeps changing.

After every incident the retained MQTT store equals the emulator's truth, topic for topic;
every session-ending fault shows ``offline`` then ``online``; nothing logs an error or leaves an
unhandled exception; the security commands that timed out were never sent again; and a clean
stop still ends the panel session and publishes ``offline``.
``OMNI2MQTT_SOAK_SECONDS=1800`` keeps it going for half an hour.
"""

from __future__ import annotations

import time

from omni2mqtt.mqtt.attributes import OFFLINE
from omni2mqtt.protocol.messages.control import ExecuteSecurityCommand, RequestValidateCode

from .conftest import Running, report
from .soak import PANEL_FAULTS, Soak, Stack
from .stack import (
    AVAILABILITY,
    BRIDGE_STATE,
    TIMEOUT,
    ErrorLog,
    env_number,
    results,
    wait_until,
)

MINIMUM_CYCLES = 10  # x 10 panel faults, x 2 broker restarts
SEED = 20260511
# Results a command may get while faults are being injected; anything else is a bug.
EXPECTED_ERRORS = {"timeout", "connection_error", "panel_offline", "panel_nak", "protocol_error"}


async def test_soak(stack: Stack, running: Running, errors: ErrorLog) -> None:
    seconds = env_number("OMNI2MQTT_SOAK_SECONDS", 0)
    emulator, faults, mirror = stack.emulator, stack.faults, stack.mirror
    soak = Soak(stack, SEED)
    started = time.monotonic()
    await soak.checkpoint()
    await soak.run(MINIMUM_CYCLES, seconds)
    terminated = emulator.sessions_terminated_by_client
    await running.stop()
    await mirror.wait_payload(BRIDGE_STATE, OFFLINE, TIMEOUT)
    await mirror.wait_payload(AVAILABILITY, OFFLINE, TIMEOUT)
    await wait_until(lambda: emulator.sessions_terminated_by_client == terminated + 1)
    elapsed = time.monotonic() - started
    tally = soak.tally

    outcomes = {(body["status"], body.get("error", {}).get("type")) for _, body in results(mirror)}
    security = [body for topic, body in results(mirror) if topic.endswith("/area/1/result")]
    panel_faults = sum(tally.incidents[name] for name in PANEL_FAULTS)
    report(
        f"soak: {elapsed:.0f} s, seed {SEED}: {panel_faults} panel fault incidents "
        f"{dict(tally.incidents)}"
    )
    report(f"soak: faults the emulator carried out: {dict(faults.counters)}")
    report(f"soak: request faults by phase: {dict(faults.taken)}")
    report(
        f"soak: broker restarts {dict(tally.broker_restarts)}; recoveries seen on the broker "
        f"(offline -> online) {tally.recoveries}; panel sessions {emulator.sessions_started}"
    )
    report(
        f"soak: {tally.checkpoints} checkpoints, {tally.topics_compared} retained topics "
        f"compared with the truth; house activity {dict(soak.activity.counts)}"
    )
    report(f"soak: command outcomes {sorted(outcomes, key=str)}")
    report(f"soak: error logs and unhandled exceptions: {len(errors.records)}")

    assert not errors.records, "\n".join(errors.lines())
    assert panel_faults >= 100 and faults.injected >= 100
    assert sum(tally.broker_restarts.values()) >= 20
    assert tally.recoveries >= 80  # every fault but the Nak bursts ended the session
    # Mid-sync faults really landed in a sync.
    for fault in ("drop", "garbage", "nak"):
        assert faults.taken[f"{fault}_mid_sync"] >= MINIMUM_CYCLES, dict(faults.taken)
    # Errors only of the kinds faults cause; never an internal error.
    assert {kind for status, kind in outcomes if status == "error"} <= EXPECTED_ERRORS
    # Each disarm sent into a stall timed out and the panel never saw it, then or later.
    assert len(security) == tally.security_sent
    assert all(body["error"]["type"] == "timeout" for body in security), security
    assert emulator.handled[ExecuteSecurityCommand.__name__] == 0
    assert emulator.handled[RequestValidateCode.__name__] == 0
