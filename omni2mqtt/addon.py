"""``omni2mqtt addon``: run the gateway as a Home Assistant add-on.

The Supervisor writes the user's add-on options to ``/data/options.json`` (``addon/config.yaml``
defines them). When the options name no broker, the broker comes from the Supervisor's MQTT
service (``services: - mqtt:need``): ``GET http://supervisor/services/mqtt`` with the add-on's
``SUPERVISOR_TOKEN`` answers host, port, ssl and the credentials the Mosquitto add-on made for
add-ons. Names are cached in ``/data/cache``, which survives add-on restarts and updates.

Neither the token nor any password or controller key ever appears in output or errors.
"""

from __future__ import annotations

import argparse
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .cli_support import LOG_LEVELS, address, fail
from .config import Settings
from .config_loader import SettingsLoader
from .gateway_cli import serve

_PREFIX = "omni2mqtt addon"
DATA_DIR = Path("/data")
TOKEN_ENV = "SUPERVISOR_TOKEN"
# Tests point this at a fake Supervisor; in an add-on it is always http://supervisor.
SUPERVISOR_URL_ENV = "OMNI2MQTT_SUPERVISOR_URL"
DEFAULT_SUPERVISOR_URL = "http://supervisor"
EXIT_FAILED = 1
EXIT_CONFIG = 2
_MAX_RESPONSE = 64 * 1024

EPILOG = f"""\
Runs inside the Home Assistant add-on container (see addon/DOCS.md): the options come from
<data-dir>/options.json, the MQTT broker from the options or else from the Supervisor's MQTT
service (${TOKEN_ENV} authenticates the request). Exit codes: 0 stopped cleanly, 1 the
Supervisor could not say which broker to use, 2 invalid options.
"""


class AddonError(Exception):
    """The add-on cannot start; the message says why and what to do, and holds no secret."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class BrokerService:
    """The Supervisor's answer for the MQTT service."""

    host: str
    port: int
    ssl: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'mqtts' if self.ssl else 'mqtt'}://{host}:{self.port}"


def read_options(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AddonError(
            f"{path}: no such file (the Supervisor writes it for an add-on; "
            "outside Home Assistant use omni2mqtt run)",
            EXIT_CONFIG,
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise AddonError(f"{path}: cannot read: {reason}", EXIT_CONFIG) from None
    try:
        options = json.loads(text)
    except json.JSONDecodeError as exc:
        # The position only: the text around it could be a password.
        raise AddonError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno})", EXIT_CONFIG
        ) from None
    if not isinstance(options, dict):
        raise AddonError(f"{path}: must hold a JSON object of options", EXIT_CONFIG)
    return options


def fetch_mqtt_service(base_url: str, token: str | None, timeout: float = 10.0) -> BrokerService:
    """The broker the Supervisor's MQTT service offers to this add-on."""
    if not token:
        raise AddonError(
            f"no mqtt.url in the options and ${TOKEN_ENV} is not set: set mqtt.url, or run "
            "this as a Home Assistant add-on with the Mosquitto broker add-on installed"
        )
    url = f"{base_url.rstrip('/')}/services/mqtt"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    # The Supervisor is on the add-on's own network: never go through an HTTP proxy.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            body = response.read(_MAX_RESPONSE)
    except urllib.error.HTTPError as exc:
        raise _http_error(exc) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise AddonError(f"cannot reach the Supervisor at {base_url}: {reason}") from None
    return _service_from_body(body)


def _http_error(exc: urllib.error.HTTPError) -> AddonError:
    if exc.code in (401, 403):
        return AddonError(
            f"the Supervisor refused this add-on's token (HTTP {exc.code}): restart the add-on; "
            "if it persists, reinstall it"
        )
    message = _supervisor_message(exc.read(_MAX_RESPONSE))
    return AddonError(
        f"the Supervisor has no MQTT service to offer (HTTP {exc.code}: {message}): install "
        "and start the Mosquitto broker add-on, or set mqtt.url in the add-on options"
    )


def _supervisor_message(body: bytes) -> str:
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        message = None
    return str(message)[:200] if message else "no message"


def _service_from_body(body: bytes) -> BrokerService:
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict) or answer.get("result") != "ok":
        raise AddonError("the Supervisor's answer for the MQTT service is not an ok JSON result")
    host, port = data.get("host"), data.get("port")
    if not isinstance(host, str) or not host or not isinstance(port, int):
        raise AddonError("the Supervisor's MQTT service names no host and port")
    return BrokerService(
        host=host,
        port=port,
        ssl=bool(data.get("ssl")),
        username=data.get("username") or None,
        password=data.get("password") or None,
    )


def _given(values: Any) -> dict[str, Any]:
    """The options a user actually set: the Supervisor may send optional ones as null or ""."""
    if not isinstance(values, dict):
        return {}
    return {k: v for k, v in values.items() if v is not None and v != ""}


def settings_from_options(
    options: Mapping[str, Any], broker: Callable[[], BrokerService], data_dir: Path = DATA_DIR
) -> tuple[Settings, str]:
    """Settings for the options and, unless they name a broker, the Supervisor's broker;
    with a line saying where the broker came from."""
    mqtt = _given(options.get("mqtt"))
    panels = options.get("panels")
    data: dict[str, Any] = {
        "mqtt": mqtt,
        "panels": [_given(p) for p in panels] if isinstance(panels, list) else panels,
        "log_level": options.get("log_level") or "info",
        "cache_dir": str(data_dir / "cache"),
    }
    settings = _validate(data)  # the user's mistakes first, before asking the Supervisor
    if "url" in mqtt:
        return settings, f"MQTT broker {settings.mqtt.url} from the add-on options"
    service = broker()
    mqtt["url"] = service.url
    if "username" not in mqtt and service.username:
        mqtt |= {"username": service.username, "password": service.password}
    settings = _validate(data)
    user = f" as {settings.mqtt.username}" if settings.mqtt.username else ""
    where = address(service.host, service.port)
    return settings, f"MQTT broker {where} from the Supervisor's MQTT service{user}"


def _validate(data: dict[str, Any]) -> Settings:
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise AddonError(
            f"invalid add-on options: {SettingsLoader().describe(exc)}", EXIT_CONFIG
        ) from None


# -- the subcommand ----------------------------------------------------------------------------


def add_addon_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "addon",
        help="run the gateway as a Home Assistant add-on (options from the Supervisor)",
        description="Run the gateway with the Home Assistant add-on's options and, unless they "
        "name a broker, the broker of the Supervisor's MQTT service.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR,
        metavar="DIR",
        help="the add-on's data directory: options.json and the name cache (%(default)s)",
    )
    parser.add_argument(
        "--log-level", choices=LOG_LEVELS, help="log detail (default: the log_level option)"
    )
    parser.set_defaults(handler=run_addon)
    return parser


def run_addon(args: argparse.Namespace) -> int:
    base_url = os.environ.get(SUPERVISOR_URL_ENV) or DEFAULT_SUPERVISOR_URL
    try:
        options = read_options(args.data_dir / "options.json")
        settings, broker = settings_from_options(
            options,
            lambda: fetch_mqtt_service(base_url, os.environ.get(TOKEN_ENV)),
            args.data_dir,
        )
    except AddonError as exc:
        return fail(_PREFIX, str(exc), exc.code)
    print(f"{_PREFIX}: {broker}", flush=True)
    return serve(settings, args.log_level)
