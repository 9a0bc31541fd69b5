"""Emulator scenarios: what panel to be, with which named objects, codes and programs.

A scenario is YAML validated by pydantic. Enum-valued keys accept the lower-case names of the
protocol package's enums (``type: entry_exit``) or their numbers, so every table stays defined
once, in ``omni2mqtt.protocol``. Two scenarios are built in: ``demo`` (a realistic house) and
``full`` (an Omni Pro II with every capacity filled).
"""

from __future__ import annotations

from enum import IntEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ..protocol.capacities import MODEL_CAPACITIES
from ..protocol.objects import Model, ObjectType, name_width
from ..protocol.security import Authority, SecurityMode
from ..protocol.system_tables import Trouble
from ..protocol.temperature import TemperatureUnit
from ..protocol.thermostats import FanMode, HoldMode, ThermostatMode, ThermostatType
from ..protocol.units import UnitType
from ..protocol.zones import ZoneType


class ScenarioError(Exception):
    """A scenario file is missing, unreadable or invalid; the message names the key."""


def _enum_by_name(enum: type[IntEnum]) -> BeforeValidator:
    def parse(value: Any) -> Any:
        if isinstance(value, str):
            key = value.strip().upper().replace(" ", "_").replace("-", "_")
            try:
                return enum[key]
            except KeyError:
                names = ", ".join(m.name.lower() for m in enum)
                raise ValueError(
                    f"unknown {enum.__name__} {value!r}; use one of: {names}"
                ) from None
        return enum(value)

    return BeforeValidator(parse)


ZoneTypeField = Annotated[ZoneType, _enum_by_name(ZoneType)]
UnitTypeField = Annotated[UnitType, _enum_by_name(UnitType)]
ModelField = Annotated[Model, _enum_by_name(Model)]
AuthorityField = Annotated[Authority, _enum_by_name(Authority)]
ModeField = Annotated[SecurityMode, _enum_by_name(SecurityMode)]
ThermostatModeField = Annotated[ThermostatMode, _enum_by_name(ThermostatMode)]
FanModeField = Annotated[FanMode, _enum_by_name(FanMode)]
HoldModeField = Annotated[HoldMode, _enum_by_name(HoldMode)]
ThermostatTypeField = Annotated[ThermostatType, _enum_by_name(ThermostatType)]
TroubleField = Annotated[Trouble, _enum_by_name(Trouble)]
UnitField = Annotated[TemperatureUnit, _enum_by_name(TemperatureUnit)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NamedObject(_Strict):
    number: int = Field(ge=1, le=0xFFFF)
    name: str = ""


class AreaSpec(NamedObject):
    exit_delay: int = Field(60, ge=0, le=255, description="seconds")
    entry_delay: int = Field(30, ge=0, le=255, description="seconds")
    mode: ModeField = SecurityMode.OFF


class ZoneSpec(NamedObject):
    type: ZoneTypeField = ZoneType.ENTRY_EXIT
    area: int = Field(1, ge=1, le=8)
    # Raw loop byte. For analog zones (types 80-87) it is the temperature/humidity byte.
    loop: int = Field(0, ge=0, le=255)
    open: bool = False
    low_setpoint: int = Field(0, ge=0, le=255, description="raw, analog zones only")
    high_setpoint: int = Field(0, ge=0, le=255, description="raw, analog zones only")


class UnitSpec(NamedObject):
    type: UnitTypeField = UnitType.STANDARD
    # Raw state byte (spec 15.2): 0 off, 1 on, 100-200 = level 0-100 %. Flags/counters: value.
    state: int = Field(0, ge=0, le=255)
    areas: int = Field(0x80, ge=0, le=255, description="area bitmask, bit 7 = area 1")


class MacroStep(_Strict):
    command: int = Field(ge=0, le=255)
    p1: int = Field(0, ge=0, le=255)
    p2: int = Field(0, ge=0, le=0xFFFF)


class ButtonSpec(NamedObject):
    macro: list[MacroStep] = []


class CodeSpec(NamedObject):
    code: str = Field(pattern=r"^\d{4}$", repr=False)
    authority: AuthorityField = Authority.USER
    areas: list[int] = [1]


class ThermostatSpec(NamedObject):
    type: ThermostatTypeField = ThermostatType.AUTO_HEAT_COOL
    # Temperatures and setpoints are raw panel bytes (spec 15.5): raw 120 = 20 C = 68 F.
    temperature: int = Field(120, ge=0, le=255)
    heat_setpoint: int = Field(118, ge=0, le=255)
    cool_setpoint: int = Field(129, ge=0, le=255)
    mode: ThermostatModeField = ThermostatMode.OFF
    fan: FanModeField = FanMode.AUTO
    hold: HoldModeField = HoldMode.OFF
    humidity: int = Field(89, ge=0, le=255, description="raw humidity byte")
    humidify_setpoint: int = Field(0, ge=0, le=255)
    dehumidify_setpoint: int = Field(0, ge=0, le=255)
    outdoor_temperature: int = Field(0, ge=0, le=255)
    communicating: bool = True


class AudioZoneSpec(NamedObject):
    power: bool = False
    source: int = Field(1, ge=0, le=255)
    volume: int = Field(30, ge=0, le=100)
    mute: bool = False


class LockSpec(NamedObject):
    locked: bool = True


class UserSettingSpec(NamedObject):
    type: int = Field(1, ge=0, le=8)
    value: int = Field(0, ge=0, le=0xFFFF)


class ProgramSpec(_Strict):
    slot: int = Field(ge=1, le=1500)
    # Either the JSON program form (omni2mqtt.protocol.programs.Program.to_json) or a raw record.
    program: dict[str, Any] | None = None
    record: str | None = Field(None, pattern=r"^[0-9a-fA-F ]+$")

    @model_validator(mode="after")
    def _one_form(self) -> ProgramSpec:
        if (self.program is None) == (self.record is None):
            raise ValueError("give exactly one of 'program' (JSON form) or 'record' (hex)")
        return self


class Scenario(_Strict):
    name: str = "custom"
    model: ModelField = Model.OMNI_PRO_II
    firmware: tuple[int, int, int] = (3, 16, 2)
    phone: str = "555-1212"
    temperature_unit: UnitField = TemperatureUnit.FAHRENHEIT
    time_format: Literal[1, 2] = 1
    date_format: Literal[1, 2] = 1
    areas: list[AreaSpec] = []
    zones: list[ZoneSpec] = []
    units: list[UnitSpec] = []
    buttons: list[ButtonSpec] = []
    codes: list[CodeSpec] = []
    thermostats: list[ThermostatSpec] = []
    messages: list[NamedObject] = []
    audio_sources: list[NamedObject] = []
    audio_zones: list[AudioZoneSpec] = []
    locks: list[LockSpec] = []
    user_settings: list[UserSettingSpec] = []
    programs: list[ProgramSpec] = []
    troubles: list[TroubleField] = []
    features: list[int] = []

    @model_validator(mode="after")
    def _within_capacity(self) -> Scenario:
        capacities = MODEL_CAPACITIES.get(self.model)
        if capacities is None:
            supported = ", ".join(m.name.lower() for m in MODEL_CAPACITIES)
            raise ValueError(f"model {self.model.name.lower()} is not emulated; use {supported}")
        groups: list[tuple[str, ObjectType, list[NamedObject]]] = [
            ("areas", ObjectType.AREA, list(self.areas)),
            ("zones", ObjectType.ZONE, list(self.zones)),
            ("units", ObjectType.UNIT, list(self.units)),
            ("buttons", ObjectType.BUTTON, list(self.buttons)),
            ("codes", ObjectType.CODE, list(self.codes)),
            ("thermostats", ObjectType.THERMOSTAT, list(self.thermostats)),
            ("messages", ObjectType.MESSAGE, self.messages),
            ("audio_sources", ObjectType.AUDIO_SOURCE, self.audio_sources),
            ("audio_zones", ObjectType.AUDIO_ZONE, list(self.audio_zones)),
            ("locks", ObjectType.ACCESS_LOCK, list(self.locks)),
            ("user_settings", ObjectType.USER_SETTING, list(self.user_settings)),
        ]
        for key, object_type, objects in groups:
            limit = capacities[object_type]
            seen: set[int] = set()
            for obj in objects:
                if obj.number > limit:
                    raise ValueError(
                        f"{key}: number {obj.number} exceeds the {self.model.display_name}'s "
                        f"capacity of {limit}"
                    )
                if obj.number in seen:
                    raise ValueError(f"{key}: number {obj.number} is defined twice")
                seen.add(obj.number)
                width = name_width(object_type) - 1
                if len(obj.name) > width:
                    raise ValueError(f"{key}[{obj.number}]: name {obj.name!r} > {width} chars")
        return self

    @property
    def capacities(self) -> dict[ObjectType, int]:
        return dict(MODEL_CAPACITIES[self.model])


BUILTIN_SCENARIOS = ("demo", "full")


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a built-in scenario by name or a YAML file by path."""
    if str(name_or_path) == "full":
        # Imported here because full_scenario imports this module (it builds a Scenario).
        from .full_scenario import build_full_scenario  # noqa: PLC0415

        return build_full_scenario()
    if str(name_or_path) in BUILTIN_SCENARIOS:
        text = resources.files(__package__).joinpath(f"scenarios/{name_or_path}.yaml").read_text()
        source = f"built-in scenario {name_or_path!r}"
    else:
        path = Path(name_or_path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ScenarioError(f"cannot read scenario {path}: {exc.strerror}") from None
        source = str(path)
    return parse_scenario(text, source)


def parse_scenario(text: str, source: str = "scenario") -> Scenario:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: the top level must be a mapping of keys")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        # Only the location and message: pydantic's input echo could contain user codes.
        first = exc.errors(include_input=False)[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        where = ".".join(str(p) for p in first["loc"])
        raise ScenarioError(f"{source}: {where + ': ' if where else ''}{message}") from None
