"""Temperature and humidity byte conversions (spec §15.5).

The panel's temperature byte is linear in 0.5 °C steps: °C = raw/2 - 40, °F = raw x 0.9 - 40.
Humidity is the same byte read as °F and clamped to 0-100 %.
"""

from __future__ import annotations

from enum import IntEnum

from .errors import EncodeError

RAW_MIN = 0
RAW_MAX = 255
# Setpoint commands accept 0..180 (up to 50 °C / 122 °F); 201+ means "user setting value - 200".
SETPOINT_RAW_MAX = 180
HUMIDITY_RAW_MIN = 44  # 0 %RH
HUMIDITY_RAW_MAX = 156  # 100 %RH


class TemperatureUnit(IntEnum):
    """SystemFormats' temperature byte."""

    FAHRENHEIT = 1
    CELSIUS = 2

    @property
    def symbol(self) -> str:
        return "°F" if self is TemperatureUnit.FAHRENHEIT else "°C"


def raw_to_celsius(raw: int) -> float:
    return raw / 2 - 40


def raw_to_fahrenheit(raw: int) -> float:
    # round() to one decimal hides binary noise (raw 120 * 0.9 = 107.99999...).
    return round(raw * 0.9 - 40, 1)


def raw_to_fahrenheit_display(raw: int) -> int:
    """The whole-degree value PC Access shows: int(raw x 0.9 + 0.5) - 40."""
    return int(raw * 0.9 + 0.5) - 40


def _check_raw(raw: float, what: str, limit: int) -> int:
    value = int(raw)
    if not RAW_MIN <= value <= limit:
        raise EncodeError(f"{what} is outside what the panel can represent (raw {value})")
    return value


def _round_half_up(value: float) -> int:
    # Python's round() is banker's rounding; the panel's tools round halves up.
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def celsius_to_raw(celsius: float, limit: int = RAW_MAX) -> int:
    return _check_raw(_round_half_up((celsius + 40) * 2), f"{celsius} °C", limit)


def fahrenheit_to_raw(fahrenheit: float, limit: int = RAW_MAX) -> int:
    return _check_raw(_round_half_up((fahrenheit + 40) / 0.9), f"{fahrenheit} °F", limit)


def raw_to_temperature(raw: int, unit: TemperatureUnit) -> float:
    return raw_to_celsius(raw) if unit is TemperatureUnit.CELSIUS else raw_to_fahrenheit(raw)


def temperature_to_raw(value: float, unit: TemperatureUnit, limit: int = RAW_MAX) -> int:
    if unit is TemperatureUnit.CELSIUS:
        return celsius_to_raw(value, limit)
    return fahrenheit_to_raw(value, limit)


def raw_to_humidity(raw: int) -> int:
    """%RH from the humidity byte, clamped to 0..100 (never publish the raw byte)."""
    return max(0, min(100, _round_half_up(raw * 0.9 - 40)))


def humidity_to_raw(percent: float) -> int:
    if not 0 <= percent <= 100:
        raise EncodeError(f"humidity must be 0..100 %, got {percent}")
    return _round_half_up((percent + 40) / 0.9)


def humidity_setpoint_to_percent(raw: int) -> int | None:
    """Humidify/dehumidify setpoints: 0 = disabled (None), otherwise %RH."""
    return None if raw == 0 else raw_to_humidity(raw)
