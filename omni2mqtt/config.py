"""Configuration: one YAML file, every key overridable by environment variable, secrets from files.

``load_settings(path)`` returns validated :class:`Settings` or raises :class:`ConfigError` with one
message naming the key and the problem. Precedence, highest first: environment variables
(``OMNI2MQTT_MQTT__URL``; panels by id: ``OMNI2MQTT_PANELS__HOUSE__HOST``), the YAML file, the
defaults. Secrets (MQTT password, controller keys) may also be given as ``*_file`` paths, which
is how Docker and Kubernetes secrets arrive. Secrets are ``SecretStr``: they never print.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from .protocol.crypto import parse_controller_key
from .protocol.errors import ProtocolError

ENV_PREFIX = "OMNI2MQTT_"
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
# Object kinds a user can include or exclude per panel (the topic names of design section 3).
KINDS = (
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
)
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


class ConfigError(Exception):
    """Invalid configuration: the message names the key; the CLI exits with code 2."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TlsSettings(_Section):
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    insecure: bool = Field(False, description="skip certificate verification (testing only)")


class MqttSettings(_Section):
    url: str = "mqtt://127.0.0.1:1883"
    username: str | None = None
    password: SecretStr | None = None
    password_file: Path | None = None
    client_id: str = "omni2mqtt"
    protocol: Literal["3.1.1", "5"] = "3.1.1"
    base_topic: str = "omni2mqtt"
    discovery: bool = True
    discovery_prefix: str = "homeassistant"
    qos: Literal[0, 1, 2] = 1
    keepalive: int = Field(60, ge=5, le=3600)
    tls: TlsSettings = TlsSettings()
    reconnect_min_delay: float = Field(1.0, ge=0)
    reconnect_max_delay: float = Field(60.0, ge=0)

    @field_validator("url")
    @classmethod
    def _check_url(cls, url: str) -> str:
        if not re.match(r"^mqtts?://[^/:]+(:\d{1,5})?/?$", url):
            raise ValueError("must look like mqtt://host:1883 or mqtts://host:8883")
        return url

    @field_validator("base_topic", "discovery_prefix")
    @classmethod
    def _check_topic(cls, topic: str) -> str:
        if not topic or any(c in topic for c in "+#") or topic[0] == "/" or topic[-1] == "/":
            raise ValueError("must be a topic without wildcards or leading/trailing '/'")
        return topic

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
    host: str
    port: int = Field(4369, ge=1, le=65535)
    controller_key: SecretStr | None = None
    controller_key_file: Path | None = None
    transport: Literal["tcp"] = "tcp"
    poll_interval: float = Field(300.0, ge=0, description="backstop status poll, s; 0 = off")
    request_timeout: float = Field(10.0, gt=0)
    time_sync: bool = True
    time_sync_interval: float = Field(3600.0, gt=0)
    include: dict[Kind, list[int]] = {}
    exclude: dict[Kind, list[int]] = {}

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError("must be a slug: lower-case letters, digits, '_' or '-'")
        return value

    @property
    def display_name(self) -> str:
        return self.name or self.id

    @property
    def filters(self) -> FilterSettings:
        return FilterSettings(include=self.include, exclude=self.exclude)

    def key_bytes(self) -> bytes:
        """The controller key as 16 bytes (validated when the settings were loaded)."""
        secret = self.controller_key
        assert secret is not None, "validated by Settings"
        return parse_controller_key(secret.get_secret_value())


class HomeAssistantSettings(_Section):
    status_topic: str = "homeassistant/status"
    # After HA's birth message, wait a random time in this range before republishing, so many
    # integrations do not flood the broker at once.
    birth_delay_min: float = Field(0.5, ge=0)
    birth_delay_max: float = Field(3.0, ge=0)


class BridgeSettings(_Section):
    raw_command: bool = Field(False, description="allow bridge/request/raw_command")


class Settings(_Section):
    mqtt: MqttSettings = MqttSettings()
    panels: list[PanelSettings]
    homeassistant: HomeAssistantSettings = HomeAssistantSettings()
    bridge: BridgeSettings = BridgeSettings()
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    cache_dir: Path | None = None

    @model_validator(mode="after")
    def _check_panels(self) -> Settings:
        if not self.panels:
            raise ValueError("panels: at least one panel is needed")
        ids = [p.id for p in self.panels]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"panels: id {duplicates[0]!r} is used twice")
        for index, panel in enumerate(self.panels):
            if panel.controller_key is None:
                raise ValueError(
                    f"panels.{index}.controller_key: missing (or give controller_key_file)"
                )
            try:
                parse_controller_key(panel.controller_key.get_secret_value())
            except ProtocolError as exc:
                raise ValueError(f"panels.{index}.controller_key: {exc}") from None
        return self
