"""Hypothesis strategies for the payload-less generic replies (spec §9)."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.generic import Ack, EndOfData, Nak

MESSAGE_STRATEGIES: list[SearchStrategy[Message]] = [
    st.just(Ack()),
    st.just(Nak()),
    st.just(EndOfData()),
]
