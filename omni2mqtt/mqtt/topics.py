"""Topic names of the MQTT contract (design section 3), built in one place.

Object numbers are their own topic level so ``+`` wildcards work:
``omni2mqtt/house/zone/5/state``. Command topics end in ``set``; their results go to the same
topic with ``set`` replaced by ``result``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..protocol.objects import ObjectType

SET = "set"
RESULT = "result"

# Topic names of the object kinds (design section 3); locks are access-control doors.
KIND_TOPICS: dict[ObjectType, str] = {
    ObjectType.AREA: "area",
    ObjectType.ZONE: "zone",
    ObjectType.UNIT: "unit",
    ObjectType.THERMOSTAT: "thermostat",
    ObjectType.BUTTON: "button",
    ObjectType.MESSAGE: "message",
    ObjectType.AUXILIARY: "auxiliary",
    ObjectType.AUDIO_ZONE: "audio_zone",
    ObjectType.AUDIO_SOURCE: "audio_source",
    ObjectType.ACCESS_LOCK: "lock",
    ObjectType.CODE: "code",
    ObjectType.USER_SETTING: "user_setting",
}
TOPIC_KINDS: dict[str, ObjectType] = {name: kind for kind, name in KIND_TOPICS.items()}
PROGRAM = "program"


@dataclass(frozen=True)
class Topics:
    """Topic builder for one base topic."""

    base: str

    @property
    def bridge_state(self) -> str:
        return f"{self.base}/bridge/state"

    @property
    def bridge_info(self) -> str:
        return f"{self.base}/bridge/info"

    def bridge_request(self, action: str = "#") -> str:
        return f"{self.base}/bridge/request/{action}"

    def bridge_response(self, action: str) -> str:
        return f"{self.base}/bridge/response/{action}"

    def panel(self, panel_id: str, *levels: str | int) -> str:
        return "/".join((self.base, panel_id, *map(str, levels)))

    def availability(self, panel_id: str) -> str:
        return self.panel(panel_id, "availability")

    def info(self, panel_id: str) -> str:
        return self.panel(panel_id, "info")

    def event(self, panel_id: str) -> str:
        return self.panel(panel_id, "event")

    def system(self, panel_id: str, attribute: str) -> str:
        return self.panel(panel_id, "system", attribute)

    def object(self, panel_id: str, kind: ObjectType | str, number: int, *rest: str) -> str:
        name = KIND_TOPICS[kind] if isinstance(kind, ObjectType) else kind
        return self.panel(panel_id, name, number, *rest)

    def command_filter(self, panel_id: str) -> tuple[str, str]:
        """Subscriptions for every command topic of a panel (``.../set`` at two depths)."""
        return (self.panel(panel_id, "+", "+", SET), self.panel(panel_id, "+", "+", "+", SET))


def result_topic(command_topic: str) -> str:
    """``.../area/1/set`` -> ``.../area/1/result``; ``.../mode/set`` -> ``.../mode/result``."""
    head, _, last = command_topic.rpartition("/")
    return f"{head}/{RESULT}" if last == SET else f"{command_topic}/{RESULT}"


@dataclass(frozen=True)
class CommandTopic:
    """A parsed command topic: ``<base>/<panel>/<kind>/<n>[/<attribute>]/set``."""

    panel_id: str
    kind: str
    number: int
    attribute: str | None

    @classmethod
    def parse(cls, topics: Topics, topic: str) -> CommandTopic | None:
        prefix = topics.base + "/"
        if not topic.startswith(prefix) or not topic.endswith("/" + SET):
            return None
        levels = topic[len(prefix) : -len(SET) - 1].split("/")
        # isascii: str.isdigit() also accepts digits int() cannot read ("\u00b2").
        if len(levels) not in (3, 4) or not (levels[2].isascii() and levels[2].isdigit()):
            return None
        attribute = levels[3] if len(levels) == 4 else None
        return cls(levels[0], levels[1], int(levels[2]), attribute)
