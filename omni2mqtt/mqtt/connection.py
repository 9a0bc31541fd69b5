"""The broker connection: aiomqtt with TLS, a last will, subscriptions that survive reconnects.

``MqttConnection.run()`` keeps a session to the broker: it connects (with tenacity back-off
between attempts), publishes ``online`` on the bridge state topic (the will says ``offline``),
re-subscribes every registered filter and calls every ``on_connected`` callback so extensions
republish their retained topics. Publishing while the broker is away is dropped, not queued:
the callbacks republish the current state after the reconnect, which is what a subscriber
needs; an old queued value would only be noise.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import socket
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiomqtt
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential, wait_random

from ..config import MqttSettings
from . import write_through
from .attributes import OFFLINE, ONLINE
from .eager import Finished, Started, start_eagerly

_LOGGER = logging.getLogger(__name__)

PENDING_CALLS_WARNING = 1000
PUBLISH_TIMEOUT = 10.0  # seconds for the broker to acknowledge a publish (aiomqtt's default)
MessageHandler = Callable[[aiomqtt.Message], Awaitable[None]]
ConnectedCallback = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class _Subscription:
    topic_filter: str
    handler: MessageHandler


def make_client(
    s: MqttSettings,
    password: str | None,
    *,
    identifier: str,
    will: aiomqtt.Will | None = None,
    timeout: float = 10,
) -> aiomqtt.Client:
    """An aiomqtt client for ``s`` (TLS, protocol, credentials); ``omni2mqtt check`` uses it
    with its own identifier and no will, so it cannot disturb a running gateway."""
    tls_context: ssl.SSLContext | None = None
    if s.tls_enabled:
        tls_context = ssl.create_default_context(
            cafile=str(s.tls.ca_file) if s.tls.ca_file else None
        )
        if s.tls.cert_file is not None:
            tls_context.load_cert_chain(
                str(s.tls.cert_file), str(s.tls.key_file) if s.tls.key_file else None
            )
        if s.tls.insecure:
            tls_context.check_hostname = False
            tls_context.verify_mode = ssl.CERT_NONE
    client = aiomqtt.Client(
        s.host,
        s.port,
        username=s.username,
        password=password,
        identifier=identifier,
        protocol=aiomqtt.ProtocolVersion.V5 if s.protocol == "5" else aiomqtt.ProtocolVersion.V311,
        will=will,
        keepalive=s.keepalive,
        tls_context=tls_context,
        tls_insecure=s.tls.insecure if s.tls_enabled else None,
        timeout=timeout,
        # paho leaves Nagle's algorithm on: with delayed ACKs every small publish could wait
        # ~40 ms, which would dominate the push-to-subscriber latency.
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
    )
    # aiomqtt warns above 10 unacknowledged publishes; the publisher keeps up to a window of
    # them in flight on purpose (and bounds them), so only a real leak should warn.
    client.pending_calls_threshold = PENDING_CALLS_WARNING
    return client


class MqttConnection:
    def __init__(self, settings: MqttSettings, will_topic: str, password: str | None) -> None:
        self.settings = settings
        self.will_topic = will_topic
        self._password = password
        self._client: aiomqtt.Client | None = None
        self._subscriptions: list[_Subscription] = []
        self._on_connected: list[ConnectedCallback] = []
        self._connected = asyncio.Event()
        self._stopping = False
        self.connections = 0
        self.published = 0
        self.write_through = False  # publishes reach the socket at once (see write_through)

    def __repr__(self) -> str:
        return f"<MqttConnection {self.settings.host}:{self.settings.port}>"

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def wait_connected(self, timeout: float | None = None) -> None:
        async with asyncio.timeout(timeout):
            await self._connected.wait()

    def subscribe(self, topic_filter: str, handler: MessageHandler) -> None:
        """Register a handler; it is (re)subscribed on every connect."""
        self._subscriptions.append(_Subscription(topic_filter, handler))
        if self._client is not None and self.connected:
            # Already connected: subscribe now as well (a panel added at run time).
            asyncio.get_running_loop().create_task(self._subscribe_one(self._client, topic_filter))

    def unsubscribe(self, topic_filter: str, handler: MessageHandler) -> None:
        """Drop a handler; the broker subscription ends once no handler uses the filter."""
        self._subscriptions = [
            s for s in self._subscriptions if s != _Subscription(topic_filter, handler)
        ]
        client = self._client
        still_used = any(s.topic_filter == topic_filter for s in self._subscriptions)
        if client is not None and self.connected and not still_used:
            asyncio.get_running_loop().create_task(self._unsubscribe_one(client, topic_filter))

    async def _unsubscribe_one(self, client: aiomqtt.Client, topic_filter: str) -> None:
        with contextlib.suppress(aiomqtt.MqttError):
            await client.unsubscribe(topic_filter)

    def on_connected(self, callback: ConnectedCallback) -> None:
        self._on_connected.append(callback)

    async def publish(
        self, topic: str, payload: str | bytes, *, retain: bool = False, qos: int | None = None
    ) -> bool:
        """Publish if connected; False when the broker is away (the message is dropped)."""
        return await self.start_publish(topic, payload, retain=retain, qos=qos)

    def start_publish(
        self, topic: str, payload: str | bytes, *, retain: bool = False, qos: int | None = None
    ) -> asyncio.Future[bool]:
        """Hand the message to the client now; the future says whether the broker took it.

        Synchronous up to paho's queue (and, with write-through, the socket), so the publisher
        can put the first message of a change on the wire before working out the rest. Never
        raises: a broker that is away or refuses gives False, like :meth:`publish`.
        """
        loop = asyncio.get_running_loop()
        client = self._client
        if client is None or not self.connected:
            return _done(loop, False)
        coro = client.publish(
            topic,
            payload,
            qos=self.settings.qos if qos is None else qos,
            retain=retain,
            timeout=math.inf,
        )
        try:
            started = start_eagerly(coro)
        except aiomqtt.MqttError as exc:
            _LOGGER.debug("publish to %s failed: %s", topic, exc)
            return _done(loop, False)
        if isinstance(started, Finished):
            self.published += 1
            return _done(loop, True)
        return loop.create_task(self._confirmed(topic, started))

    async def _confirmed(self, topic: str, started: Started[None]) -> bool:
        try:
            # The timeout starts here, inside the task: aiomqtt's own timeout runs
            # asyncio.wait_for, which on Python 3.11 starts one more task per publish.
            async with asyncio.timeout(PUBLISH_TIMEOUT):
                await started
        except (aiomqtt.MqttError, TimeoutError) as exc:
            _LOGGER.debug("publish to %s failed: %s", topic, exc or "timeout")
            return False
        self.published += 1
        return True

    # -- the session loop ----------------------------------------------------------------------

    def _make_client(self) -> aiomqtt.Client:
        return make_client(
            self.settings,
            self._password,
            identifier=self.settings.client_id,
            will=aiomqtt.Will(self.will_topic, OFFLINE, qos=1, retain=True),
        )

    async def run(self) -> None:
        """Stay connected until :meth:`stop`; back off between failed attempts."""
        while not self._stopping:
            retrying = AsyncRetrying(
                wait=wait_exponential(
                    multiplier=self.settings.reconnect_min_delay,
                    max=self.settings.reconnect_max_delay,
                )
                + wait_random(0, self.settings.reconnect_min_delay),
                retry=retry_if_exception_type((aiomqtt.MqttError, OSError)),
                before_sleep=lambda state: _LOGGER.warning(
                    "MQTT broker %s:%s unavailable: %s; retrying in %.1f s",
                    self.settings.host,
                    self.settings.port,
                    state.outcome.exception() if state.outcome else "?",
                    state.next_action.sleep if state.next_action else 0,
                ),
                reraise=True,
            )
            await retrying(self._session)

    async def _session(self) -> None:
        client = self._make_client()
        self.write_through = write_through.install(client)
        async with client:
            self._client = client
            self.connections += 1
            _LOGGER.info("connected to MQTT broker %s:%s", self.settings.host, self.settings.port)
            try:
                await client.publish(self.will_topic, ONLINE, qos=1, retain=True)
                for subscription in self._subscriptions:
                    await self._subscribe_one(client, subscription.topic_filter)
                self._connected.set()
                for callback in list(self._on_connected):
                    await callback()
                async for message in client.messages:
                    await self._dispatch(message)
            finally:
                self._connected.clear()
                self._client = None
        if not self._stopping:
            raise aiomqtt.MqttError("the broker closed the connection")

    async def _subscribe_one(self, client: aiomqtt.Client, topic_filter: str) -> None:
        await client.subscribe(topic_filter, qos=self.settings.qos)

    async def _dispatch(self, message: aiomqtt.Message) -> None:
        for subscription in self._subscriptions:
            if message.topic.matches(subscription.topic_filter):
                try:
                    await subscription.handler(message)
                except Exception:
                    # One bad message or handler must never take the gateway down.
                    _LOGGER.exception("handling a message on %s failed", message.topic.value)

    async def stop(self) -> None:
        """Publish ``offline`` (a clean exit does not fire the will) and disconnect."""
        self._stopping = True
        client = self._client
        if client is not None and self.connected:
            with contextlib.suppress(aiomqtt.MqttError, TimeoutError):
                await asyncio.wait_for(
                    client.publish(self.will_topic, OFFLINE, qos=1, retain=True), 5
                )


def _done(loop: asyncio.AbstractEventLoop, value: bool) -> asyncio.Future[bool]:
    future: asyncio.Future[bool] = loop.create_future()
    future.set_result(value)
    return future
