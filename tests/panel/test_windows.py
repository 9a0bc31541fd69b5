"""Status window sizing: what fits one reply, growth to the record length seen, what silence
teaches, and the timeout of a window the panel may ignore."""

from __future__ import annotations

from omni2mqtt.panel.windows import (
    SILENT_WINDOW_TIMEOUT,
    StatusWindows,
    next_window,
    silent_window_timeout,
    window_size,
)
from omni2mqtt.protocol.objects import ObjectType as T


def test_windows_hold_what_fits_one_reply() -> None:
    sizes = {kind: window_size(kind, True) for kind in (T.ZONE, T.AREA, T.THERMOSTAT, T.MESSAGE)}
    assert sizes == {T.ZONE: 58, T.AREA: 38, T.THERMOSTAT: 16, T.MESSAGE: 77}
    assert window_size(T.THERMOSTAT, False) == 26  # basic records are 9 bytes
    assert window_size(T.UNIT, True) == 33  # until a reply shows no power field
    assert window_size(T.UNIT, True, 5) == 46


def test_unit_windows_follow_the_longest_record_seen() -> None:
    windows = StatusWindows(extended=True)
    windows.saw_record_length(T.UNIT, 5)
    assert windows.size(T.UNIT) == 46
    windows.saw_record_length(T.UNIT, 7)
    windows.saw_record_length(T.UNIT, 5)
    assert windows.size(T.UNIT) == 33


def test_only_silence_teaches_a_smaller_window() -> None:
    windows = StatusWindows(extended=True, learned={T.AREA: 4})
    assert windows.after_failure(T.ZONE, 58, silent=False) == 29
    assert windows.size(T.ZONE) == 58 and not windows.changed
    assert windows.after_failure(T.ZONE, 58, silent=True) == 29
    assert (windows.size(T.ZONE), windows.size(T.AREA), windows.changed) == (29, 4, True)
    # A grown unit window that fails falls back to the size that is always safe.
    windows.saw_record_length(T.UNIT, 5)
    assert windows.after_failure(T.UNIT, 46, silent=True) == 33
    assert windows.size(T.UNIT) == 33


def test_next_window_spans_numbers_not_objects() -> None:
    assert next_window([1, 2, 40, 58, 59, 120], 58) == 4
    assert next_window([7], 1) == 1
    assert next_window([], 10) == 0


def test_a_slow_panel_gets_a_longer_silent_window_timeout() -> None:
    assert silent_window_timeout(10.0, 0.02) == SILENT_WINDOW_TIMEOUT
    assert silent_window_timeout(10.0, 1.5) == 6.0
    assert silent_window_timeout(10.0, 4.0) == 10.0
    assert silent_window_timeout(0.5, 0.02) == 0.5
