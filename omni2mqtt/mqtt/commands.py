"""The command router: ``<base>/<panel>/<kind>/<n>[/<attribute>]/set`` -> the panel client.

For every command exactly one non-retained JSON result goes to the same topic with ``set``
replaced by ``result`` (see :mod:`.command_results`). Checks run in the message handler, in this
order, and answer at once without sending anything to the panel: the payload and the topic
(``bad_payload``, ``code_required``), the panel session (``panel_offline``: commands are
rejected, never queued, because arming a house late is dangerous), the object (a number the
panel has not named, or one the panel's include/exclude filters hide: ``unknown_object``).

A command that passes runs in its own task so a slow panel never blocks the MQTT message loop;
the commands of one panel run one at a time in arrival order (a per-panel lock, which asyncio
hands out first come, first served). Nothing is retried: a security command that timed out may
still have armed the area, and repeating it is the user's decision.

Retained messages on command topics are ignored: the broker replays them on every subscribe,
and a replayed "arm" or "unlock" after a restart would be dangerous. User codes are never
logged, echoed in results or published.
"""

from __future__ import annotations

import asyncio
import logging

import aiomqtt

from ..panel.errors import PanelOfflineError
from ..protocol.objects import ObjectType
from .command_actions import Action, Target, build_action
from .command_payloads import BAD_PAYLOAD, UNKNOWN_OBJECT, CommandError, Payload, parse_payload
from .command_results import CANCELLED, Failure, failure, result_payload
from .extension import Extension
from .gateway import Gateway, PanelRuntime
from .topics import PROGRAM, SET, TOPIC_KINDS, CommandTopic, result_topic

_LOGGER = logging.getLogger(__name__)


class CommandRouter(Extension):
    """Subscribes to every panel's command topics and answers each command with one result."""

    def __init__(self, gateway: Gateway) -> None:
        super().__init__(gateway)
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        for panel_id in self.gateway.panels:
            self._locks[panel_id] = asyncio.Lock()
            for topic_filter in self.gateway.topics.command_filter(panel_id):
                self.gateway.mqtt.subscribe(topic_filter, self._on_message)

    async def stop(self) -> None:
        """Cancel commands still waiting or running; each still gets its (cancelled) result."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _on_message(self, message: aiomqtt.Message) -> None:
        topic = message.topic.value
        if message.retain:
            _LOGGER.debug("ignoring a retained command on %s", topic)
            return
        self.handle(topic, message.payload)

    def handle(self, topic: str, raw: object) -> None:
        """Check one command and start its task, or publish its error result at once."""
        parsed = CommandTopic.parse(self.gateway.topics, topic)
        if parsed is None:
            self._reply(topic, _relative(self.gateway.topics.base, topic), None, _bad_topic())
            return
        runtime = self.gateway.panels.get(parsed.panel_id)
        if runtime is None:
            _LOGGER.debug("ignoring a command for unknown panel %r", parsed.panel_id)
            return
        target = Target(runtime, parsed.kind, parsed.number, parsed.attribute)
        payload: Payload | None = None
        try:
            payload = parse_payload(raw)
            action = build_action(target, payload)
            _check_target(target)
        except CommandError as exc:
            self._reply(topic, target.describe(), payload, failure(exc))
            return
        task = asyncio.create_task(
            self._run(runtime, topic, action, payload), name=f"omni2mqtt-command {action.command}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(
        self, runtime: PanelRuntime, topic: str, action: Action, payload: Payload
    ) -> None:
        error: Failure | None = None
        try:
            async with self._locks[runtime.id]:
                _LOGGER.info("panel %s: %s", runtime.id, action.command)
                await action.run()
            if action.changes_programs:
                await self.gateway.programs_changed(runtime.id)
        except asyncio.CancelledError:
            self._reply(topic, action.command, payload, Failure(CANCELLED, "the gateway stopped"))
            raise
        except Exception as exc:
            error = failure(exc)
            if error.internal:
                _LOGGER.exception("panel %s: %s failed", runtime.id, action.command)
        self._reply(topic, action.command, payload, error)

    def _reply(
        self, topic: str, command: str, payload: Payload | None, error: Failure | None
    ) -> None:
        if error is not None and not error.internal:
            _LOGGER.info("command %s refused: %s (%s)", command, error.kind, error.detail)
        self.gateway.publisher.message(result_topic(topic), result_payload(command, payload, error))


def _check_target(target: Target) -> None:
    """The panel must be up and the object named on it (and not hidden by the filters)."""
    client = target.client
    if not client.available:
        raise CommandError(
            PanelOfflineError.kind, f"panel {target.runtime.id} is offline; nothing was sent"
        )
    if target.kind == PROGRAM:
        return  # program slots have no names; the slot range was checked with the payload
    kind = TOPIC_KINDS[target.kind]  # build_action accepted the kind, so it is known
    state = client.state
    info = state.object_info(kind, target.number)
    if info is None and kind is ObjectType.ACCESS_LOCK:
        info = state.object_info(ObjectType.ACCESS_READER, target.number)  # locks: reader names
    if info is None or not info.name or not target.runtime.allows(target.kind, target.number):
        raise CommandError(
            UNKNOWN_OBJECT,
            f"{target.kind} {target.number} is not a named object of panel {target.runtime.id}",
        )


def _bad_topic() -> Failure:
    return Failure(BAD_PAYLOAD, f"a command topic is <panel>/<kind>/<number>[/<attribute>]/{SET}")


def _relative(base: str, topic: str) -> str:
    return topic.removeprefix(base + "/").removesuffix("/" + SET)
