"""Hypothesis strategies for the system, control, event-log and audio messages.

``MESSAGE_STRATEGIES`` holds one strategy per message class of ``messages.system``,
``messages.control`` and ``messages.eventlog``; ``STRATEGIES_BY_CLASS`` is the same keyed by class.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from omni2mqtt.protocol.messages import control, eventlog, system
from omni2mqtt.protocol.messages.base import FixedLayoutMessage, Message

_KINDS: dict[str, SearchStrategy[int]] = {
    "u8": st.integers(0, 0xFF),
    "i8": st.integers(-128, 127),
    "u16": st.integers(0, 0xFFFF),
}

codes = st.text(alphabet="0123456789", min_size=4, max_size=4)
# Latin-1 without NUL: the names and texts the panel can carry.
latin1_text = st.text(alphabet=st.characters(min_codepoint=1, max_codepoint=0xFF), max_size=40)


def from_layout(
    cls: type[FixedLayoutMessage], **overrides: SearchStrategy[Any]
) -> SearchStrategy[Any]:
    """``st.builds`` over the class's LAYOUT (any wire value), with per-field overrides."""
    kwargs = {name: _KINDS[kind] for name, kind in cls.LAYOUT}
    kwargs.update(overrides)
    return st.builds(cls, **kwargs)


@st.composite
def system_information(draw: st.DrawFn) -> system.SystemInformation:
    phone = draw(st.text(alphabet="0123456789-() ", max_size=24))
    size = draw(st.integers(len(phone), system.PHONE_FIELD_SIZE + 5))
    message: system.SystemInformation = draw(
        from_layout(system.SystemInformation, phone=st.just(phone), phone_field_size=st.just(size))
    )
    return message


_PAIRS = st.lists(st.tuples(_KINDS["u8"], _KINDS["u8"]), max_size=8).map(tuple)
_CODE_LIST = st.lists(_KINDS["u8"], max_size=30).map(tuple)

STRATEGIES_BY_CLASS: dict[type[Message], SearchStrategy[Any]] = {
    system.RequestSystemInformation: st.just(system.RequestSystemInformation()),
    system.SystemInformation: system_information(),
    system.RequestSystemStatus: st.just(system.RequestSystemStatus()),
    system.SystemStatus: from_layout(system.SystemStatus, area_alarms=_PAIRS),
    system.RequestSystemTroubles: st.just(system.RequestSystemTroubles()),
    system.SystemTroubles: st.builds(system.SystemTroubles, _CODE_LIST),
    system.RequestSystemFeatures: st.just(system.RequestSystemFeatures()),
    system.SystemFeatures: st.builds(system.SystemFeatures, _CODE_LIST),
    system.RequestSystemFormats: st.just(system.RequestSystemFormats()),
    system.SystemFormats: from_layout(system.SystemFormats),
    system.RequestCapacities: from_layout(system.RequestCapacities),
    system.Capacities: from_layout(system.Capacities),
    system.SetTime: from_layout(
        system.SetTime,
        year=st.integers(0, 99),
        month=st.integers(1, 12),
        day=st.integers(1, 31),
        day_of_week=st.integers(1, 7),
        hour=st.integers(0, 23),
        minute=st.integers(0, 59),
        dst=st.integers(0, 1),
    ),
    control.Command: from_layout(control.Command),
    control.ExecuteSecurityCommand: from_layout(control.ExecuteSecurityCommand, code=codes),
    control.ExecuteSecurityCommandResponse: from_layout(control.ExecuteSecurityCommandResponse),
    control.RequestValidateCode: from_layout(control.RequestValidateCode, code=codes),
    control.ValidateCode: from_layout(control.ValidateCode),
    control.AcknowledgeAlerts: st.just(control.AcknowledgeAlerts()),
    control.ActivateKeypadEmergency: from_layout(
        control.ActivateKeypadEmergency, emergency=st.integers(1, 3)
    ),
    control.RequestZoneReady: st.just(control.RequestZoneReady()),
    control.ZoneReadyStatus: st.builds(control.ZoneReadyStatus, st.binary(max_size=32)),
    eventlog.RequestEventLogItem: from_layout(
        eventlog.RequestEventLogItem, direction=st.integers(-1, 1)
    ),
    eventlog.EventLogItem: from_layout(eventlog.EventLogItem),
    eventlog.RequestAudioSourceStatus: from_layout(eventlog.RequestAudioSourceStatus),
    eventlog.AudioSourceStatus: from_layout(eventlog.AudioSourceStatus, text=latin1_text),
}

MESSAGE_STRATEGIES: list[SearchStrategy[Message]] = list(STRATEGIES_BY_CLASS.values())
