"""Configuration models: one YAML file, every key overridable by environment variable.

:func:`load_settings` (in :mod:`omni2mqtt.config_loader`) reads the file and the environment and
returns validated :class:`Settings` or raises :class:`ConfigError` with one message naming the
key and the problem. Precedence, highest first: environment variables (``OMNI2MQTT_MQTT__URL``;
panels by id: ``OMNI2MQTT_PANELS__HOUSE__HOST``), the YAML file, the defaults. Secrets (MQTT
password, controller keys) may also be given as ``*_file`` paths, which is how Docker and
Kubernetes secrets arrive; the models read those files, so ``Settings.model_validate`` of a
plain dict behaves like the loader. Secrets are ``SecretStr``: they never print, and no error
message ever contains one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from .protocol.crypto import parse_controller_key
from .protocol.errors import ProtocolError

ENV_PREFIX = "OMNI2MQTT_"
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
# Object kinds a user can include or exclude per panel (the topic names of design section 3).
Kind = Literal[
    "area",
    "zone",
    "unit",
    "thermostat",
    "button",
    "program",
    "message",
    "auxiliary",
    "audio_zone",
    "audio_source",
    "lock",
    "code",
    "user_setting",
]
KINDS: tuple[str, ...] = get_args(Kind)
LogLevel = Literal["debug", "info", "warning", "error"]
_URL = re.compile(r"^mqtts?://(\[[0-9a-fA-F:.]+\]|[^/:@\[\]\s]+)(:\d{1,5})?/?$")


class ConfigError(Exception):
    """Invalid configuration: the message names the key; the CLI exits with code 2."""


class ConfigKeyError(ValueError):
    """A model-level validation problem that belongs to one key below the model.

    Pydantic locates errors of model validators at the model itself (``panels.0``); the loader
    appends ``key`` so the message still names the exact key (``panels.0.controller_key``).
    """

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(problem)
        self.key = key


def read_secret_file(key: str, path: Any) -> str:
    """The stripped content of a ``*_file`` secret; errors name ``key`` and the path only."""
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        raise ConfigKeyError(key, f"{path} is not UTF-8 text") from None
    except (OSError, TypeError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigKeyError(key, f"cannot read {path}: {reason}") from None
    if not text:
        raise ConfigKeyError(key, f"{path} is empty")
    return text


def _secret_from_file(data: Any, value_key: str, file_key: str) -> Any:
    """Fill ``value_key`` from the file named by ``file_key`` (both given: an error)."""
    if not isinstance(data, dict) or data.get(file_key) is None:
        return data
    if data.get(value_key) is not None:
        raise ConfigKeyError(file_key, f"give {value_key} or {file_key}, not both")
    return {**data, value_key: read_secret_file(file_key, data[file_key])}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TlsSettings(_Section):
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    insecure: bool = Field(False, description="skip certificate verification (testing only)")

    @field_validator("ca_file", "cert_file", "key_file")
    @classmethod
    def _check_file(cls, path: Path | None) -> Path | None:
        if path is not None and not path.is_file():
            raise ValueError(f"{path} is not a readable file")
        return path


class MqttSettings(_Section):
    url: str = "mqtt://127.0.0.1:1883"
    username: str | None = None
    password: SecretStr | None = None
    password_file: Path | None = None
    client_id: str = Field("omni2mqtt", min_length=1, max_length=64)
    protocol: Literal["3.1.1", "5"] = "3.1.1"
    base_topic: str = "omni2mqtt"
    discovery: bool = True
    discovery_prefix: str = "homeassistant"
    qos: Literal[0, 1, 2] = 1
    keepalive: int = Field(60, ge=5, le=3600)
    tls: TlsSettings = TlsSettings()
    reconnect_min_delay: float = Field(1.0, ge=0)
    reconnect_max_delay: float = Field(60.0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _read_password_file(cls, data: Any) -> Any:
        return _secret_from_file(data, "password", "password_file")

    @field_validator("protocol", mode="before")
    @classmethod
    def _protocol_text(cls, value: Any) -> Any:
        # YAML reads `protocol: 5` as a number and `3.1.1` as text: accept both spellings.
        return str(value) if isinstance(value, int | float) else value

    @field_validator("url")
    @classmethod
    def _check_url(cls, url: str) -> str:
        if "@" in url:
            raise ValueError("must not contain credentials: use mqtt.username and mqtt.password")
        match = _URL.match(url)
        if not match or not 1 <= int((match.group(2) or ":1883")[1:]) <= 65535:
            raise ValueError("must look like mqtt://host:1883 or mqtts://host:8883")
        return url

    @field_validator("base_topic", "discovery_prefix")
    @classmethod
    def _check_topic(cls, topic: str) -> str:
        if not topic or any(c in topic for c in "+#") or topic[0] == "/" or topic[-1] == "/":
            raise ValueError("must be a topic without wildcards or leading/trailing '/'")
        return topic

    @model_validator(mode="after")
    def _check_delays(self) -> MqttSettings:
        if self.reconnect_max_delay < self.reconnect_min_delay:
            raise ConfigKeyError("reconnect_max_delay", "must be >= reconnect_min_delay")
        return self

    @property
    def tls_enabled(self) -> bool:
        return self.url.startswith("mqtts://")

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or (8883 if self.tls_enabled else 1883)


class FilterSettings(_Section):
    """Object numbers to publish per kind; empty include = all named objects."""

    include: dict[Kind, list[int]] = {}
    exclude: dict[Kind, list[int]] = {}

    def allows(self, kind: str, number: int) -> bool:
        included = self.include.get(kind)  # type: ignore[call-overload]
        if included is not None and number not in included:
            return False
        return number not in self.exclude.get(kind, [])  # type: ignore[call-overload]


class PanelSettings(_Section):
    id: Annotated[str, Field(description="topic slug: lower-case letters, digits, _ and -")]
    name: str | None = None
    host: str = Field(min_length=1)
    port: int = Field(4369, ge=1, le=65535)
    controller_key: SecretStr | None = None
    controller_key_file: Path | None = None
    transport: Literal["tcp"] = "tcp"
    poll_interval: float = Field(300.0, ge=0, description="backstop status poll, s; 0 = off")
    request_timeout: float = Field(10.0, gt=0)
    time_sync: bool = True
    time_sync_interval: float = Field(3600.0, gt=0)
    # Zone bypass needs a user code NUMBER (not the code itself). Home Assistant's bypass
    # switch cannot send a code, so this number is used when a command carries none.
    bypass_user_number: int | None = Field(None, ge=1, le=99)
    include: dict[Kind, list[int]] = {}
    exclude: dict[Kind, list[int]] = {}

    @model_validator(mode="before")
    @classmethod
    def _read_key_file(cls, data: Any) -> Any:
        data = _secret_from_file(data, "controller_key", "controller_key_file")
        if isinstance(data, dict) and data.get("controller_key_file") is not None:
            try:
                parse_controller_key(str(data["controller_key"]))
            except ProtocolError as exc:
                raise ConfigKeyError(
                    "controller_key_file", f"{data['controller_key_file']}: {exc}"
                ) from None
        return data

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError("must be a slug: lower-case letters, digits, '_' or '-'")
        return value

    @field_validator("controller_key", mode="before")
    @classmethod
    def _key_is_text(cls, value: Any) -> Any:
        if isinstance(value, int | float):
            # YAML turned an all-digit key into a number: leading zeros may already be lost.
            raise ValueError("YAML read the key as a number: put it in quotes")
        return value

    @field_validator("controller_key")
    @classmethod
    def _check_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            try:
                parse_controller_key(value.get_secret_value())
            except ProtocolError as exc:  # its text never contains the key
                raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _require_key(self) -> PanelSettings:
        if self.controller_key is None:
            raise ConfigKeyError("controller_key", "required (or give controller_key_file)")
        return self

    @property
    def display_name(self) -> str:
        return self.name or self.id

    @property
    def filters(self) -> FilterSettings:
        return FilterSettings(include=self.include, exclude=self.exclude)

    def key_bytes(self) -> bytes:
        """The controller key as 16 bytes (validated when the settings were loaded)."""
        secret = self.controller_key
        assert secret is not None, "validated by PanelSettings"
        return parse_controller_key(secret.get_secret_value())


class HomeAssistantSettings(_Section):
    status_topic: str = "homeassistant/status"
    # After HA's birth message, wait a random time in this range before republishing, so many
    # integrations do not flood the broker at once.
    birth_delay_min: float = Field(0.5, ge=0)
    birth_delay_max: float = Field(3.0, ge=0)

    @model_validator(mode="after")
    def _check_delays(self) -> HomeAssistantSettings:
        if self.birth_delay_max < self.birth_delay_min:
            raise ConfigKeyError("birth_delay_max", "must be >= birth_delay_min")
        return self


class BridgeSettings(_Section):
    raw_command: bool = Field(False, description="allow bridge/request/raw_command")


class Settings(_Section):
    mqtt: MqttSettings = MqttSettings()
    panels: list[PanelSettings]
    homeassistant: HomeAssistantSettings = HomeAssistantSettings()
    bridge: BridgeSettings = BridgeSettings()
    log_level: LogLevel = "info"
    # Panel object names are cached so a restart skips the name walk (the slowest part of a
    # start). None = $XDG_CACHE_HOME/omni2mqtt, else ~/.cache/omni2mqtt.
    cache_dir: Path | None = None
    name_cache: bool = True
    # Read OMNI2MQTT_* variables from files in this directory too (Docker secrets); the
    # loader uses it, the gateway does not.
    secrets_dir: Path | None = None

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @property
    def name_cache_dir(self) -> Path | None:
        """Where names are cached, or None when caching is off."""
        if not self.name_cache:
            return None
        if self.cache_dir is not None:
            return self.cache_dir
        xdg = os.environ.get("XDG_CACHE_HOME")
        return (Path(xdg) if xdg else Path.home() / ".cache") / "omni2mqtt"

    @model_validator(mode="after")
    def _check_panels(self) -> Settings:
        if not self.panels:
            raise ConfigKeyError("panels", "at least one panel is needed")
        ids = [p.id for p in self.panels]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ConfigKeyError("panels", f"id {duplicates[0]!r} is used twice")
        return self

    def secret_values(self) -> list[str]:
        """Every configured secret in the spellings a log line could carry, for redaction."""
        values: list[str] = []
        if self.mqtt.password is not None:
            values.append(self.mqtt.password.get_secret_value())
        for panel in self.panels:
            if panel.controller_key is not None:
                key = panel.key_bytes()
                values += [panel.controller_key.get_secret_value(), key.hex(), key.hex().upper()]
        return [v for v in values if v]


def load_settings(path: Path | None = None) -> Settings:
    """Settings from the YAML file at ``path`` (None: environment only) and the environment."""
    from .config_loader import SettingsLoader  # noqa: PLC0415 - the loader imports the models

    return SettingsLoader().load(path)
