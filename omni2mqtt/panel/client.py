"""The panel client: one supervised session at a time, full resync after every reconnect.

``PanelClient`` is what the MQTT gateway (and anyone scripting a panel) uses: it owns the live
:class:`PanelState`, exposes availability (session up *and* synced), offers every command, and
refuses requests at once with :class:`PanelOfflineError` while there is no session: commands are
never queued, because arming a house late is dangerous.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ..protocol.messages.base import Message
from ..protocol.objects import ObjectType
from ..protocol.temperature import TemperatureUnit
from .commands import PanelCommands
from .connection import PanelConnection
from .errors import PanelAuthenticationError, PanelError, PanelOfflineError
from .event_log import PanelEventLog
from .names_cache import NamesCache
from .programs import PanelPrograms
from .reconnect import ReconnectPolicy
from .security import PanelSecurity
from .state import PanelState
from .sync import PanelSynchronizer, SyncResult
from .timesync import PanelTimeSync

_LOGGER = logging.getLogger(__name__)
M = TypeVar("M", bound=Message)
AvailabilityCallback = Callable[[bool], None]


@dataclass(frozen=True)
class PanelClientOptions:
    host: str
    controller_key: bytes = field(repr=False)
    port: int = 4369
    panel_id: str = "panel"
    connect_timeout: float = 5.0
    request_timeout: float = 10.0
    keepalive_interval: float = 240.0
    # Backstop poll of every object's status, in seconds (0 = never). Pushes are the main
    # channel; the poll repairs anything a lost push left stale.
    poll_interval: float = 300.0
    # Poll interval used instead when the panel refuses EnableNotifications.
    fallback_poll_interval: float = 5.0
    cache_dir: Path | None = None
    reconnect: ReconnectPolicy = field(default_factory=ReconnectPolicy)
    # Set the panel clock from this host's clock every N seconds when it drifted (0 = never).
    time_sync_interval: float = 0.0


class PanelClient:
    """Connects, syncs, keeps the state live and reconnects until :meth:`stop`."""

    def __init__(self, options: PanelClientOptions) -> None:
        self.options = options
        self.state = PanelState()
        self.last_error: PanelError | None = None
        self.sync_result: SyncResult | None = None
        self.sessions = 0
        self._connection: PanelConnection | None = None
        self._syncer: PanelSynchronizer | None = None
        self._available = False
        self._availability_callbacks: list[AvailabilityCallback] = []
        self._available_event = asyncio.Event()
        self._wakeup = asyncio.Event()
        self._resync_requested = False
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._cache = NamesCache(options.cache_dir, options.panel_id) if options.cache_dir else None
        # Every operation goes through this client as its sender, so all of them fail at once
        # with PanelOfflineError while there is no synced session.
        self.commands = PanelCommands(self, self._temperature_unit)
        self.security = PanelSecurity(self)
        self.programs = PanelPrograms(self)
        self.event_log = PanelEventLog(self)
        self.time = PanelTimeSync(self)

    def _temperature_unit(self) -> TemperatureUnit:
        info = self.state.info
        return info.temperature_unit if info is not None else TemperatureUnit.FAHRENHEIT

    def __repr__(self) -> str:
        return f"<PanelClient {self.options.panel_id} {self.options.host}:{self.options.port}>"

    # -- availability ------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        return self._available

    @property
    def connected(self) -> bool:
        """A secure session is up; it may still be syncing (see :attr:`available`)."""
        connection = self._connection
        return connection is not None and connection.connected

    def subscribe_availability(self, callback: AvailabilityCallback) -> Callable[[], None]:
        self._availability_callbacks.append(callback)
        return lambda: self._availability_callbacks.remove(callback)

    def _set_available(self, available: bool) -> None:
        if available == self._available:
            return
        self._available = available
        if available:
            self._available_event.set()
        else:
            self._available_event.clear()
        for callback in list(self._availability_callbacks):
            try:
                callback(available)
            except Exception:
                # A consumer's bug must not break the session or starve other consumers.
                _LOGGER.exception("panel %s: availability callback failed", self.options.panel_id)

    async def wait_available(self, timeout: float | None = None) -> None:
        async with asyncio.timeout(timeout):
            await self._available_event.wait()

    # -- requests (the RequestSender protocol used by commands, programs, ...) ------------------

    def _require_connection(self) -> PanelConnection:
        connection = self._connection
        if connection is None or not connection.connected or not self._available:
            raise PanelOfflineError(
                f"panel {self.options.panel_id} is offline"
                + (f" ({self.last_error})" if self.last_error else "")
            )
        return connection

    async def request(self, message: Message, *, timeout: float | None = None) -> Message:
        return await self._require_connection().request(message, timeout=timeout)

    async def request_ok(self, message: Message, *, timeout: float | None = None) -> Message:
        return await self._require_connection().request_ok(message, timeout=timeout)

    async def request_as(
        self, message: Message, reply_type: type[M], *, timeout: float | None = None
    ) -> M:
        return await self._require_connection().request_as(message, reply_type, timeout=timeout)

    @property
    def requests_sent(self) -> int:
        return self._connection.requests_sent if self._connection else 0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self.run(), name=f"omni2mqtt-panel-{self!r}")

    async def stop(self) -> None:
        """End the session cleanly (ClientSessionTerminated) and stop reconnecting."""
        self._stopping = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def wait_finished(self) -> None:
        """Wait until the client gives up by itself (a wrong controller key); see last_error."""
        if self._task is not None:
            await asyncio.shield(self._task)

    def request_resync(self) -> None:
        """Re-read capacities, names (ignoring and rewriting the cache) and every status on the
        current session."""
        self._resync_requested = True
        self._wakeup.set()

    async def run(self) -> None:
        """Supervise sessions until stopped; returns early only on a wrong controller key."""
        while not self._stopping:
            try:
                await self.options.reconnect.retrying(f"panel {self.options.panel_id}")(
                    self._session
                )
            except PanelAuthenticationError as exc:
                self.last_error = exc
                _LOGGER.error("panel %s: %s; not retrying", self.options.panel_id, exc)
                return

    async def _session(self) -> None:
        """One session: connect, sync, serve pushes and polls; returns when it is lost."""
        connection = PanelConnection(
            self.options.host,
            self.options.port,
            self.options.controller_key,
            on_push=self._on_push,
            connect_timeout=self.options.connect_timeout,
            request_timeout=self.options.request_timeout,
            keepalive_interval=self.options.keepalive_interval,
        )
        try:
            await connection.connect()
            self._connection = connection
            self.sessions += 1
            syncer = PanelSynchronizer(
                connection, self.state, panel_id=self.options.panel_id, cache=self._cache
            )
            self._syncer = syncer
            self.sync_result = await syncer.run()
            self.last_error = None
            _LOGGER.info(
                "panel %s: %s firmware %s synced (%d requests, names %s)",
                self.options.panel_id,
                self.sync_result.info.model_name,
                self.sync_result.info.firmware,
                self.sync_result.requests,
                "from cache, checked next" if self.sync_result.names_from_cache else "walked",
            )
            self._set_available(True)
            await self._serve(connection, syncer)
        except PanelError as exc:
            self.last_error = exc
            raise
        finally:
            self._set_available(False)
            self._connection = None
            self._syncer = None
            await connection.close()

    async def _serve(self, connection: PanelConnection, syncer: PanelSynchronizer) -> None:
        assert self.sync_result is not None
        interval = (
            self.options.poll_interval
            if self.sync_result.notifications
            else self.options.fallback_poll_interval
        )
        lost = asyncio.create_task(connection.wait_lost())
        clock_task = (
            asyncio.create_task(self.time.run(self.options.time_sync_interval))
            if self.options.time_sync_interval > 0
            else None
        )
        wakeup = asyncio.create_task(self._wakeup.wait())
        try:
            await self._verify_names(syncer)
            while True:
                done, _ = await asyncio.wait(
                    {lost, wakeup},
                    timeout=interval if interval > 0 else None,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if lost in done:
                    error = lost.result()
                    self.last_error = error
                    _LOGGER.warning("panel %s: session lost: %s", self.options.panel_id, error)
                    return
                if wakeup not in done:
                    await syncer.poll_troubles()
                    await syncer.poll_status()
                    continue
                self._wakeup.clear()
                wakeup = asyncio.create_task(self._wakeup.wait())
                if self._resync_requested:
                    self._resync_requested = False
                    self.sync_result = await syncer.run(walk_names=True)
                else:
                    await self._refresh_areas(syncer)
        finally:
            for task in (lost, wakeup, clock_task):
                if task is not None:
                    task.cancel()

    async def _verify_names(self, syncer: PanelSynchronizer) -> None:
        # First thing once online: a warm start went online with cached names, so check them
        # now. Commands and pushes are served meanwhile (requests interleave, lock-step); a
        # session lost here reconnects as usual, and the next session checks again.
        result = self.sync_result
        if result is None or not syncer.names_unverified:
            return
        start = syncer.requests
        result.names_verified = await syncer.verify_names()
        result.verification_requests = syncer.requests - start
        result.absent = set(syncer.absent)
        _LOGGER.info(
            "panel %s: cached names %s (%d requests)",
            self.options.panel_id,
            "still match" if result.names_verified else "changed; walked and applied again",
            result.verification_requests,
        )

    async def _refresh_areas(self, syncer: PanelSynchronizer) -> None:
        # After a mode-change or alarm word the spec says to re-read the area rather than
        # derive "arming" or "armed" from the word.
        areas = self.state.areas_needing_refresh()
        if areas:
            await syncer.poll_range(ObjectType.AREA, sorted(areas))

    def _on_push(self, message: Message) -> None:
        self.state.apply_message(message)
        if self.state.has_areas_needing_refresh():
            self._wakeup.set()
