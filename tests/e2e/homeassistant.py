"""A real Home Assistant (design section 5) in its own venv, driven only through its REST API."""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..broker import free_port
from .processes import Process, wait_until

HA_VERSION = "2024.3.3"
START_TIMEOUT = 180.0
# A log line of HA's console format: "2024-03-15 10:00:00.123 WARNING (MainThread) [logger] ..."
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ (?P<level>[A-Z]+) \((?P<thread>[^)]*)\)"
)

State = dict[str, Any]


class RestError(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(f"HTTP {status}: {body[:500]}")
        self.status = status


class HomeAssistant(Process):
    def __init__(self, venv: Path, config_dir: Path, log: Path) -> None:
        super().__init__("Home Assistant", log)
        self.venv = venv
        self.config_dir = config_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token: str | None = None
        config_dir.mkdir(parents=True, exist_ok=True)
        (config_dir / "configuration.yaml").write_text(
            "homeassistant:\n"
            "  name: omni2mqtt e2e\n"
            "  latitude: 0\n"
            "  longitude: 0\n"
            "  elevation: 0\n"
            "  unit_system: metric\n"
            "  time_zone: UTC\n"
            "http:\n"
            "  server_host: 127.0.0.1\n"
            f"  server_port: {self.port}\n"
            "api:\n"
            "config:\n"
            # For debugging a failure: HA's MQTT integration logs every message it handles.
            + (
                "logger:\n  default: info\n  logs:\n    homeassistant.components.mqtt: debug\n"
                if os.environ.get("OMNI2MQTT_E2E_HA_DEBUG") == "1"
                else ""
            )
        )

    # -- process -------------------------------------------------------------------------------

    def start(self) -> None:
        self.spawn([str(self.venv / "bin" / "hass"), "-c", str(self.config_dir), "--skip-pip"])
        if self.token is None:
            self._onboard()

        def running() -> bool:
            self.check_alive()
            try:
                return bool(self.get("/api/config").get("state") == "RUNNING")
            except (OSError, RestError):
                return False

        wait_until("Home Assistant to finish starting", running, START_TIMEOUT, 0.5)

    def _onboard(self) -> None:
        def onboarding_up() -> bool:
            self.check_alive()
            try:
                self.request("GET", "/api/onboarding", auth=False)
                return True
            except (OSError, RestError):
                return False

        wait_until("Home Assistant's onboarding API", onboarding_up, START_TIMEOUT, 0.5)
        client_id = f"{self.url}/"
        user = self.request(
            "POST",
            "/api/onboarding/users",
            {
                "client_id": client_id,
                "name": "e2e",
                "username": "e2e",
                "password": "e2e-password",
                "language": "en",
            },
            auth=False,
        )
        form = {
            "grant_type": "authorization_code",
            "code": user["auth_code"],
            "client_id": client_id,
        }
        token = self.request("POST", "/auth/token", form=form, auth=False)
        self.token = token["access_token"]

    def add_mqtt(self, broker_port: int) -> None:
        """The MQTT integration's config flow, as the UI would run it."""
        flow = self.post("/api/config/config_entries/flow", {"handler": "mqtt"})
        result = self.post(
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            {"broker": "127.0.0.1", "port": broker_port},
        )
        assert result.get("type") == "create_entry", result

    # -- REST ----------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        form: dict[str, str] | None = None,
        auth: bool = True,
    ) -> Any:
        headers: dict[str, str] = {}
        data: bytes | None = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as exc:
            raise RestError(exc.code, exc.read().decode(errors="replace")) from None
        content_type = response.headers.get("Content-Type", "")
        return json.loads(text) if "json" in content_type else text

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body if body is not None else {})

    def states(self) -> dict[str, State]:
        return {s["entity_id"]: s for s in self.get("/api/states")}

    def state(self, entity_id: str) -> State | None:
        try:
            result: State = self.get(f"/api/states/{entity_id}")
        except RestError as exc:
            if exc.status == 404:
                return None
            raise
        return result

    def call(self, domain: str, service: str, **data: Any) -> None:
        self.post(f"/api/services/{domain}/{service}", data)

    def template(self, template: str) -> str:
        return str(self.post("/api/template", {"template": template}))

    def wait_state(
        self, entity_id: str, predicate: Callable[[State], bool], timeout: float = 30
    ) -> State:
        """Poll until the entity exists and ``predicate(state)`` holds; the last state is in the
        failure message."""
        seen: list[State | None] = [None]

        def check() -> State | None:
            self.check_alive()
            current = self.state(entity_id)
            seen[0] = current
            return current if current is not None and predicate(current) else None

        try:
            result: State = wait_until(entity_id, check, timeout, 0.2)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; its last state: {seen[0]}") from None
        return result

    def wait_value(self, entity_id: str, value: str, timeout: float = 30) -> State:
        return self.wait_state(entity_id, lambda s: s["state"] == value, timeout)

    # -- log -----------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Every WARNING, ERROR or CRITICAL record of this run's console log, with the
        lines that follow it (tracebacks)."""
        records: list[list[str]] = []
        for line in self.log.read_text(errors="replace").splitlines():
            match = LOG_LINE.match(line)
            if match:
                records.append([line])
            elif records:
                records[-1].append(line)
        return [
            "\n".join(r)
            for r in records
            if (m := LOG_LINE.match(r[0])) and m["level"] in {"WARNING", "ERROR", "CRITICAL"}
        ]
