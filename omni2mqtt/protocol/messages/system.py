"""System messages (spec §11, §12): information, status, troubles, features, formats, capacities,
SetTime.

Conventions: fields hold raw wire ints so an unexpected firmware value never breaks decoding;
typed views are properties. Replies tolerate trailing bytes (a newer firmware may append fields);
requests are strict, so the emulator can Nak a malformed one as a panel would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, Self

from .. import wire
from ..enumutil import EnumView, enum_or_none, known_codes
from ..layouts import check_range, layout
from ..objects import Model, ObjectType, firmware_string, model_name
from ..opcodes import Opcode
from ..security import AreaAlarms
from ..system_tables import DateFormat, Feature, TimeFormat, Trouble
from ..temperature import TemperatureUnit
from ..wire import PayloadReader
from .base import FixedLayoutMessage, Message

__all__ = [
    "MAX_PHONE_FIELD_SIZE",
    "PHONE_FIELD_SIZE",
    "Capacities",
    "RequestCapacities",
    "RequestSystemFeatures",
    "RequestSystemFormats",
    "RequestSystemInformation",
    "RequestSystemStatus",
    "RequestSystemTroubles",
    "SetTime",
    "SystemFeatures",
    "SystemFormats",
    "SystemInformation",
    "SystemStatus",
    "SystemTroubles",
    "clock_fields",
    "enum_or_none",
    "known_codes",
    "wall_clock",
]


def clock_fields(moment: datetime) -> dict[str, int]:
    """Panel clock fields of a wall-clock time; weekday 1 = Monday ... 7 = Sunday (pitfall 25)."""
    check_range(moment.year, 2000, 2099, "year (the panel stores 0..99 + 2000)")
    return {
        "year": moment.year - 2000,
        "month": moment.month,
        "day": moment.day,
        # isoweekday() is exactly the HAI convention; weekday() (Monday = 0) and the
        # Sunday = 1 of some peers are the bugs this avoids.
        "day_of_week": moment.isoweekday(),
        "hour": moment.hour,
        "minute": moment.minute,
    }


def wall_clock(
    year: int, month: int, day: int, hour: int, minute: int, *, second: int = 0
) -> datetime | None:
    """A naive datetime from panel fields (year 0..99); None when the fields are impossible."""
    try:
        return datetime(2000 + year, month, day, hour, minute, second)
    except ValueError:
        return None


# --- System information -----------------------------------------------------------------------

PHONE_FIELD_SIZE = 25  # the HAI text's size; the §23.3 vector (and some peers) use 24, others 15
MAX_PHONE_FIELD_SIZE = 250  # MessageLength 255 - opcode - 4 header bytes


@dataclass(frozen=True)
class RequestSystemInformation(Message):
    OPCODE = Opcode.REQUEST_SYSTEM_INFORMATION


@dataclass(frozen=True)
class SystemInformation(FixedLayoutMessage):
    """Model, firmware and the panel's own phone number.

    ``phone_field_size`` keeps the width the sender used (25 per the HAI text, 24 in the §23.3
    vector, 15 in some peers) so a decoded reply re-encodes to the same bytes.
    """

    OPCODE = Opcode.SYSTEM_INFORMATION
    LAYOUT = layout("model firmware_major firmware_minor firmware_revision:i8")

    model: int
    firmware_major: int
    firmware_minor: int
    firmware_revision: int  # signed: 0 none, 1 "a", ...; negative = prototype "X1", "X2"
    phone: str = ""
    phone_field_size: int = PHONE_FIELD_SIZE

    model_type = EnumView(Model, "model")

    @property
    def model_name(self) -> str:
        return model_name(self.model)

    @property
    def firmware(self) -> str:
        """PC Access rendering, e.g. "2.16b" (revision 1 is "a", never "r1": pitfall 20)."""
        return firmware_string(self.firmware_major, self.firmware_minor, self.firmware_revision)

    @property
    def supports_extended_status(self) -> bool:
        """ExtendedStatus (58/59) needs firmware 3.0 or later (pitfall 9)."""
        return self.firmware_major >= 3

    def encode_tail(self) -> bytes:
        check_range(
            self.phone_field_size, 0, MAX_PHONE_FIELD_SIZE, "SystemInformation.phone_field_size"
        )
        # A phone number that fills the whole field has no NUL (decoders read to the end), so
        # the limit is the field size itself: encode into one byte more and drop the last NUL.
        padded = wire.encode_name(self.phone, self.phone_field_size + 1, "SystemInformation.phone")
        return padded[: self.phone_field_size]

    @classmethod
    def decode_tail(cls, reader: PayloadReader) -> dict[str, Any]:
        # Up to the first NUL or the end of the message, whatever width the sender used.
        raw = reader.rest()
        return {"phone": wire.decode_name(raw), "phone_field_size": len(raw)}


# --- System status ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestSystemStatus(Message):
    OPCODE = Opcode.REQUEST_SYSTEM_STATUS


@dataclass(frozen=True)
class SystemStatus(FixedLayoutMessage):
    """Panel clock, sun times, battery byte and the (area, alarm bits) pairs of areas in alarm.

    The tail is NOT a per-area table (pitfall 18): only areas currently in alarm appear. All
    pairs are kept as sent, so a firmware that also lists quiet areas (bits 0) still decodes.
    """

    OPCODE = Opcode.SYSTEM_STATUS
    LAYOUT = layout(
        "time_valid year month day day_of_week hour minute second dst "
        "sunrise_hour sunrise_minute sunset_hour sunset_minute battery"
    )

    time_valid: int  # 0 = the panel clock has not been set
    year: int  # 0..99, + 2000
    month: int
    day: int
    day_of_week: int  # 1 = Monday ... 7 = Sunday
    hour: int
    minute: int
    second: int
    dst: int  # non-zero = daylight saving time in effect
    sunrise_hour: int
    sunrise_minute: int
    sunset_hour: int
    sunset_minute: int
    # Raw 0..255, scale unverified; do not derive battery or AC trouble from it (pitfall 19).
    battery: int
    area_alarms: tuple[tuple[int, int], ...] = ()

    @classmethod
    def at(
        cls,
        moment: datetime,
        *,
        dst: bool = False,
        sunrise: time = time(6, 0),
        sunset: time = time(18, 0),
        battery: int = 0,
        area_alarms: tuple[tuple[int, int], ...] = (),
    ) -> Self:
        """A valid status for a wall-clock time (pure: the caller supplies the time)."""
        return cls(
            time_valid=1,
            **clock_fields(moment),
            second=moment.second,
            dst=int(dst),
            sunrise_hour=sunrise.hour,
            sunrise_minute=sunrise.minute,
            sunset_hour=sunset.hour,
            sunset_minute=sunset.minute,
            battery=battery,
            area_alarms=area_alarms,
        )

    @property
    def clock_valid(self) -> bool:
        return self.time_valid != 0

    @property
    def dst_active(self) -> bool:
        return self.dst != 0

    @property
    def panel_time(self) -> datetime | None:
        """The panel's naive local time; None when its clock is unset or the fields impossible."""
        if not self.clock_valid:
            return None
        return wall_clock(
            self.year, self.month, self.day, self.hour, self.minute, second=self.second
        )

    @property
    def sunrise(self) -> time | None:
        return _time_or_none(self.sunrise_hour, self.sunrise_minute)

    @property
    def sunset(self) -> time | None:
        return _time_or_none(self.sunset_hour, self.sunset_minute)

    @property
    def alarms(self) -> dict[int, AreaAlarms]:
        """Alarm bits by area, for areas with at least one bit set."""
        return {area: AreaAlarms(bits) for area, bits in self.area_alarms if bits}

    def encode_tail(self) -> bytes:
        return b"".join(
            wire.u8(area, "SystemStatus area") + wire.u8(bits, "SystemStatus alarm bits")
            for area, bits in self.area_alarms
        )

    @classmethod
    def decode_tail(cls, reader: PayloadReader) -> dict[str, Any]:
        rest = reader.rest()
        # An odd trailing byte cannot be a pair; ignore it rather than lose the whole status.
        pairs = tuple((rest[i], rest[i + 1]) for i in range(0, len(rest) - 1, 2))
        return {"area_alarms": pairs}


def _time_or_none(hour: int, minute: int) -> time | None:
    try:
        return time(hour, minute)
    except ValueError:
        return None


# --- Troubles and features: one code byte per active entry -------------------------------------


@dataclass(frozen=True)
class _CodeList(Message):
    codes: tuple[int, ...] = ()

    def encode_payload(self) -> bytes:
        return b"".join(wire.u8(code, f"{type(self).__name__} code") for code in self.codes)

    @classmethod
    def decode_payload(cls, payload: bytes) -> Self:
        return cls(tuple(payload))


@dataclass(frozen=True)
class RequestSystemTroubles(Message):
    OPCODE = Opcode.REQUEST_SYSTEM_TROUBLES


@dataclass(frozen=True)
class SystemTroubles(_CodeList):
    """Active troubles (empty = none). Codes above 6 are unverified and kept raw in ``codes``."""

    OPCODE = Opcode.SYSTEM_TROUBLES

    @property
    def troubles(self) -> frozenset[Trouble]:
        return known_codes(Trouble, self.codes)


@dataclass(frozen=True)
class RequestSystemFeatures(Message):
    OPCODE = Opcode.REQUEST_SYSTEM_FEATURES


@dataclass(frozen=True)
class SystemFeatures(_CodeList):
    """Enabled features (audio systems, DSC security); unknown codes stay in ``codes``."""

    OPCODE = Opcode.SYSTEM_FEATURES

    @property
    def features(self) -> frozenset[Feature]:
        return known_codes(Feature, self.codes)


# --- Formats, capacities, clock ----------------------------------------------------------------


@dataclass(frozen=True)
class RequestSystemFormats(Message):
    OPCODE = Opcode.REQUEST_SYSTEM_FORMATS


@dataclass(frozen=True)
class SystemFormats(FixedLayoutMessage):
    OPCODE = Opcode.SYSTEM_FORMATS
    LAYOUT = layout("temperature_format time_format date_format")

    temperature_format: int  # 1 F, 2 C
    time_format: int  # 1 = 12 h, 2 = 24 h
    date_format: int  # 1 MMDD, 2 DDMM

    temperature_unit = EnumView(TemperatureUnit, "temperature_format")

    clock_format = EnumView(TimeFormat, "time_format")

    date_order = EnumView(DateFormat, "date_format")


@dataclass(frozen=True)
class RequestCapacities(FixedLayoutMessage):
    """Ask how many objects of a type the panel supports (read at runtime: pitfall 31)."""

    OPCODE = Opcode.REQUEST_CAPACITIES
    LAYOUT = layout("object_type")
    STRICT = True

    object_type: int

    kind = EnumView(ObjectType, "object_type")


@dataclass(frozen=True)
class Capacities(FixedLayoutMessage):
    OPCODE = Opcode.CAPACITIES
    LAYOUT = layout("object_type capacity:u16")

    object_type: int
    capacity: int

    kind = EnumView(ObjectType, "object_type")


@dataclass(frozen=True)
class SetTime(FixedLayoutMessage):
    """Set the panel clock. Seconds cannot be set: send it at hh:mm:00."""

    OPCODE = Opcode.SET_TIME
    LAYOUT = layout("year month day day_of_week hour minute dst")
    STRICT = True

    year: int  # 0..99, + 2000
    month: int
    day: int
    day_of_week: int  # 1 = Monday ... 7 = Sunday (HAI text; pitfall 25)
    hour: int
    minute: int
    dst: int  # 0 / 1

    @classmethod
    def from_datetime(cls, moment: datetime, dst: bool) -> Self:
        """Fields for a wall-clock time; its seconds are dropped. Reads no clock."""
        return cls(**clock_fields(moment), dst=int(dst))

    def to_datetime(self) -> datetime | None:
        """The requested time, or None for impossible fields (an emulator then Naks)."""
        return wall_clock(self.year, self.month, self.day, self.hour, self.minute)

    def check(self) -> None:
        for attr, low, high in _SET_TIME_RANGES:
            check_range(getattr(self, attr), low, high, f"SetTime.{attr}")


_SET_TIME_RANGES = (
    ("year", 0, 99),
    ("month", 1, 12),
    ("day", 1, 31),
    ("day_of_week", 1, 7),
    ("hour", 0, 23),
    ("minute", 0, 59),
    ("dst", 0, 1),
)
