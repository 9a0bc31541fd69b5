"""``omni2mqtt watch`` as a real subprocess against the emulator: output, SIGTERM, wrong key."""

from __future__ import annotations

import asyncio
import json
import signal
import sys

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer

from .conftest import CONTROLLER_KEY


async def _start_watch(port: int, key: bytes, *extra: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "omni2mqtt.cli",
        "watch",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--controller-key",
        key.hex(),
        *extra,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _line(process: asyncio.subprocess.Process) -> dict[str, object]:
    assert process.stdout is not None
    raw = await asyncio.wait_for(process.stdout.readline(), 20)
    assert raw, "watch exited early"
    return dict(json.loads(raw))


async def test_watch_streams_changes_and_terminates_cleanly_on_sigterm(
    emulator: EmulatorServer[EmulatedPanel], emulated_panel: EmulatedPanel
) -> None:
    process = await _start_watch(emulator.port, CONTROLLER_KEY, "--json")
    try:
        assert (await _line(process))["type"] == "availability"
        connected = await _line(process)
        assert connected == {"type": "connected", "model": "Omni Pro II", "firmware": "3.16b"}
        emulated_panel.set_zone_open(4, True)
        seen: list[dict[str, object]] = []

        def zone_change() -> dict[str, object] | None:
            return next((r for r in seen if r.get("kind") == "zone" and r["number"] == 4), None)

        def zone_event() -> dict[str, object] | None:
            return next((r for r in seen if r.get("event_type") == "zone_state"), None)

        while zone_change() is None or zone_event() is None:
            seen.append(await _line(process))
        assert zone_change()["state"]["open"] is True  # type: ignore[index]
        event = zone_event()
        assert event is not None
        assert (event["zone"], event["not_ready"], event["word"]) == (4, True, "0x0604")
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0
        # The panel got ClientSessionTerminated, not just a closed socket.
        assert emulator.sessions_terminated_by_client == 1
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_watch_with_a_wrong_key_exits_with_a_clear_error(
    emulator: EmulatorServer[EmulatedPanel],
) -> None:
    wrong = bytes(range(16))
    process = await _start_watch(emulator.port, wrong)
    _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 1
    assert b"controller key is wrong" in stderr
    assert wrong.hex().encode() not in stderr
