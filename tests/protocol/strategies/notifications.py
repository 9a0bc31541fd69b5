"""Hypothesis strategies for the event words (§18) and the two notification messages."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from omni2mqtt.protocol import events as ev
from omni2mqtt.protocol.commands import EnergyCost as EnergyCostLevel
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.notifications import (
    MAX_EVENT_WORDS,
    EnableNotifications,
    SystemEvents,
)
from omni2mqtt.protocol.security import SecurityMode

_nibble = st.integers(0, 15)
_byte = st.integers(0, 0xFF)
_nine_bits = st.integers(0, 0x1FF)
_house = st.sampled_from("ABCDEFGHIJKLMNOP")
_unit16 = st.integers(1, 16)

# Words the spec leaves undefined: `0000` and `0314`..`03CF`.
_UNKNOWN_WORDS = st.one_of(st.just(0), st.integers(0x0314, 0x03CF))


def _security_mode_changed() -> SearchStrategy[ev.SecurityModeChanged]:
    # An Off word always has bit 15 set, so Off only comes with delay_started=True.
    mode_and_delay = st.one_of(
        st.tuples(st.just(SecurityMode.OFF), st.just(True)),
        st.tuples(st.sampled_from(list(SecurityMode)[1:]), st.booleans()),
    )
    return st.builds(
        lambda md, area, code: ev.SecurityModeChanged(md[0], area, code, md[1]),
        mode_and_delay,
        _nibble,
        _byte,
    )


EVENT_STRATEGY: SearchStrategy[ev.Event] = st.one_of(
    st.builds(ev.UnknownEvent, _UNKNOWN_WORDS),
    st.builds(ev.ButtonExecuted, st.integers(1, 0xFF)),
    st.builds(ev.ProLinkMessage, st.integers(0, 0x7F)),
    st.builds(ev.CentraLiteSwitch, st.integers(0, 0x7F)),
    st.builds(ev.AlarmActivated, _nibble, _nibble),
    st.builds(ev.PhoneLine, st.sampled_from(ev.PhoneLineState)),
    st.builds(ev.AcPower, st.booleans()),
    st.builds(ev.Battery, st.booleans()),
    st.builds(ev.Communicator, st.booleans()),
    st.builds(ev.EnergyCost, st.sampled_from(EnergyCostLevel)),
    st.builds(ev.CameraTrigger, st.integers(1, 6)),
    st.builds(ev.AccessReader, _unit16),
    st.builds(ev.AllUnits, st.booleans(), _nibble),
    st.builds(ev.ZoneStateChanged, _nine_bits, st.booleans()),
    st.builds(ev.UnitStateChanged, _nine_bits, st.booleans()),
    st.builds(ev.X10Code, _house, _unit16, st.booleans(), st.booleans()),
    st.builds(ev.ComposeCode, _house, _unit16, _nibble),
    st.builds(ev.SwitchPress, st.integers(0, 11), _byte),
    st.builds(ev.UpbLink, st.sampled_from(ev.UpbLinkAction), _byte),
    _security_mode_changed(),
)

_system_events: SearchStrategy[Message] = st.one_of(
    st.lists(st.integers(0, 0xFFFF), max_size=MAX_EVENT_WORDS).map(
        lambda words: SystemEvents(tuple(words))
    ),
    st.lists(EVENT_STRATEGY, max_size=8).map(SystemEvents.from_events),
)

MESSAGE_STRATEGIES: list[SearchStrategy[Message]] = [
    st.builds(EnableNotifications, st.booleans()),
    _system_events,
]
