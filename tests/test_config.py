"""Configuration loading: YAML + environment + secret files, error messages, the example file."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from omni2mqtt.config import ConfigError, Settings, load_settings
from omni2mqtt.config_loader import SettingsLoader
from omni2mqtt.redaction import MASK, RedactingFilter

KEY = "00112233445566778899aabbccddeeff"
OTHER_KEY = "ffeeddccbbaa99887766554433221100"
SECRET_KEY = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"  # must never appear in an error
PASSWORD = "s3cret-Pa55word"
EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.yaml"

MINIMAL = f"""
mqtt:
  url: mqtt://127.0.0.1:1883
  base_topic: omni2mqtt
  discovery_prefix: homeassistant
panels:
  - id: house
    name: House
    host: 192.168.1.50
    port: 4369
    controller_key: {KEY}
"""


def write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def load(tmp_path: Path, text: str | None, env: dict[str, str] | None = None) -> Settings:
    path = write(tmp_path, text) if text is not None else None
    return SettingsLoader(env or {}).load(path)


def error(tmp_path: Path, text: str | None, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text, env)
    message = str(info.value)
    for secret in (SECRET_KEY, PASSWORD):
        assert secret not in message
    return message


# -- layers and precedence ---------------------------------------------------------------------


def test_minimal_file_of_the_design(tmp_path: Path) -> None:
    settings = load(tmp_path, MINIMAL)
    panel = settings.panels[0]
    assert (panel.id, panel.display_name, panel.host, panel.port) == (
        "house",
        "House",
        "192.168.1.50",
        4369,
    )
    assert panel.key_bytes() == bytes.fromhex(KEY)
    assert (settings.mqtt.host, settings.mqtt.port, settings.mqtt.qos) == ("127.0.0.1", 1883, 1)
    assert settings.log_level == "info"


def test_environment_beats_yaml_beats_defaults(tmp_path: Path) -> None:
    text = MINIMAL + "log_level: warning\nhomeassistant:\n  birth_delay_max: 5\n"
    env = {
        "OMNI2MQTT_MQTT__URL": "mqtts://broker.lan:8884",
        "OMNI2MQTT_MQTT__PASSWORD": PASSWORD,
        "OMNI2MQTT_MQTT__TLS__INSECURE": "true",
        "OMNI2MQTT_LOG_LEVEL": "DEBUG",
        "OMNI2MQTT_CONTROLLER_KEY": "not a settings key: other commands use it",
        "UNRELATED": "x",
    }
    settings = load(tmp_path, text, env)
    assert (settings.mqtt.host, settings.mqtt.port, settings.mqtt.tls_enabled) == (
        "broker.lan",
        8884,
        True,
    )
    assert settings.mqtt.password is not None
    assert settings.mqtt.password.get_secret_value() == PASSWORD
    assert settings.mqtt.tls.insecure is True
    assert settings.log_level == "debug"  # env beats the file, case-insensitively
    assert settings.mqtt.base_topic == "omni2mqtt"  # from the file
    assert settings.homeassistant.birth_delay_max == 5  # from the file
    assert settings.homeassistant.birth_delay_min == 0.5  # the default
    assert PASSWORD not in repr(settings)


def test_panels_overridden_by_id(tmp_path: Path) -> None:
    text = MINIMAL + (
        f"  - id: guest-house\n    host: 192.168.1.51\n    controller_key: {OTHER_KEY}\n"
    )
    env = {
        "OMNI2MQTT_PANELS__HOUSE__CONTROLLER_KEY": SECRET_KEY,
        "omni2mqtt_panels__House__port": "4400",  # names are case-insensitive
        "OMNI2MQTT_PANELS__GUEST_HOUSE__HOST": "10.0.0.9",  # '-' in an id is '_' here
        "OMNI2MQTT_PANELS__GUEST_HOUSE__INCLUDE__ZONE": "[1, 2]",
        "OMNI2MQTT_PANELS__GUEST_HOUSE__EXCLUDE": '{"unit": [3]}',
    }
    house, guest = load(tmp_path, text, env).panels
    assert (house.key_bytes(), house.port, house.host) == (
        bytes.fromhex(SECRET_KEY),
        4400,
        "192.168.1.50",
    )
    assert (guest.host, guest.key_bytes()) == ("10.0.0.9", bytes.fromhex(OTHER_KEY))
    assert guest.filters.allows("zone", 2) and not guest.filters.allows("zone", 5)
    assert not guest.filters.allows("unit", 3)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"OMNI2MQTT_PANELS__GARAGE__HOST": "x"},
            "OMNI2MQTT_PANELS__GARAGE__HOST: no panel with id 'garage' "
            "(panels are addressed by id: house)",
        ),
        (
            {"OMNI2MQTT_PANELS__0__HOST": "x"},
            "no panel with id '0'",
        ),
        (
            {"OMNI2MQTT_PANELS__HOUSE__HOSTNAME": "x"},
            "OMNI2MQTT_PANELS__HOUSE__HOSTNAME: a panel has no key 'hostname'",
        ),
        ({"OMNI2MQTT_PANELS__HOUSE": "x"}, "name a key after the panel id"),
        (
            {"OMNI2MQTT_PANELS__HOUSE__CONTROLLER_KEY": SECRET_KEY[:-2]},
            "panels.0.controller_key: controller key must be 32 hex digits (16 bytes), "
            "got 30 digits (set by an environment variable)",
        ),
        (
            {"OMNI2MQTT_PANELS__HOUSE__INCLUDE": "{not json"},
            "OMNI2MQTT_PANELS__HOUSE__INCLUDE (or one below it): not valid JSON",
        ),
        ({"OMNI2MQTT_MQTT__URLS": "x"}, "mqtt.urls: unknown key (set by an environment variable)"),
        (
            {"OMNI2MQTT_MQQT__URL": "x"},
            "OMNI2MQTT_MQQT__URL: there is no key 'mqqt' (top-level keys: mqtt, panels, ",
        ),
    ],
)
def test_environment_errors_name_the_variable(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    assert expected in error(tmp_path, MINIMAL, env)


def test_panels_as_json_without_a_file(tmp_path: Path) -> None:
    env = {
        "OMNI2MQTT_MQTT__URL": "mqtt://broker:1883",
        "OMNI2MQTT_PANELS": '[{"id": "house", "host": "192.168.1.50"}, '
        f'{{"id": "barn", "host": "192.168.1.60", "controller_key": "{OTHER_KEY}"}}]',
        "OMNI2MQTT_PANELS__HOUSE__CONTROLLER_KEY": SECRET_KEY,
    }
    house, barn = load(tmp_path, None, env).panels
    assert house.key_bytes() == bytes.fromhex(SECRET_KEY)
    assert (barn.id, barn.port) == ("barn", 4369)
    # The JSON list replaces the file's list whole.
    from_file = load(tmp_path, MINIMAL, env)
    assert [p.id for p in from_file.panels] == ["house", "barn"]
    assert from_file.panels[0].host == "192.168.1.50"


def test_panels_json_errors(tmp_path: Path) -> None:
    assert "OMNI2MQTT_PANELS (or one below it): not valid JSON" in error(
        tmp_path, None, {"OMNI2MQTT_PANELS": "[{"}
    )
    assert error(tmp_path, None, {}) == "panels: required"
    assert (
        error(tmp_path, None, {"OMNI2MQTT_PANELS": f'[{{"id": "a", "controller_key": "{KEY}"}}]'})
        == "panels.0.host: required"
    )


def test_load_settings_reads_the_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OMNI2MQTT_MQTT__BASE_TOPIC", "alarm")
    assert load_settings(write(tmp_path, MINIMAL)).mqtt.base_topic == "alarm"


# -- secrets from files ------------------------------------------------------------------------


def test_secret_files(tmp_path: Path) -> None:
    # Keys pasted with separators and a trailing newline are fine.
    pasted = ":".join(SECRET_KEY[i : i + 2] for i in range(0, 32, 2))
    key_file = write(tmp_path, f"  {pasted}\n", "key")
    password_file = write(tmp_path, f"{PASSWORD}\n", "password")
    text = MINIMAL.replace(f"controller_key: {KEY}", f"controller_key_file: {key_file}")
    text = text.replace("mqtt:\n", f"mqtt:\n  password_file: {password_file}\n")
    settings = load(tmp_path, text)
    assert settings.panels[0].key_bytes() == bytes.fromhex(SECRET_KEY)
    assert settings.mqtt.password is not None
    assert settings.mqtt.password.get_secret_value() == PASSWORD


def test_a_higher_layer_chooses_between_a_secret_and_its_file(tmp_path: Path) -> None:
    key_file = write(tmp_path, SECRET_KEY, "key")
    # The file gives a key inline, the environment a key file: the file path wins.
    settings = load(
        tmp_path, MINIMAL, {"OMNI2MQTT_PANELS__HOUSE__CONTROLLER_KEY_FILE": str(key_file)}
    )
    assert settings.panels[0].key_bytes() == bytes.fromhex(SECRET_KEY)
    # And the other way round.
    text = MINIMAL.replace(f"controller_key: {KEY}", f"controller_key_file: {key_file}")
    settings = load(tmp_path, text, {"OMNI2MQTT_PANELS__HOUSE__CONTROLLER_KEY": OTHER_KEY})
    assert settings.panels[0].key_bytes() == bytes.fromhex(OTHER_KEY)
    assert settings.panels[0].controller_key_file is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "panels.0.controller_key_file: cannot read {path}: No such file or directory"),
        ("", "panels.0.controller_key_file: {path} is empty"),
        (SECRET_KEY[:-1] + "g", "panels.0.controller_key_file: {path}: controller key must"),
    ],
)
def test_secret_file_errors_name_the_key(
    tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "key"
    if content is not None:
        path.write_text(content)
    text = MINIMAL.replace(f"controller_key: {KEY}", f"controller_key_file: {path}")
    assert expected.format(path=path) in error(tmp_path, text)


def test_password_file_errors(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    text = MINIMAL.replace("mqtt:\n", f"mqtt:\n  password_file: {missing}\n")
    assert error(tmp_path, text) == f"mqtt.password_file: cannot read {missing}: " + (
        "No such file or directory"
    )
    both = MINIMAL.replace("mqtt:\n", f"mqtt:\n  password: {PASSWORD}\n  password_file: /x\n")
    assert error(tmp_path, both) == "mqtt.password_file: give password or password_file, not both"


def test_secrets_dir_docker_style(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "omni2mqtt_mqtt__password").write_text(PASSWORD + "\n")
    (secrets / "OMNI2MQTT_PANELS__HOUSE__CONTROLLER_KEY").write_text(SECRET_KEY)
    (secrets / "unrelated").write_text("ignored")
    text = MINIMAL + f"secrets_dir: {secrets}\n"
    settings = load(tmp_path, text)
    assert settings.mqtt.password is not None
    assert settings.mqtt.password.get_secret_value() == PASSWORD
    assert settings.panels[0].key_bytes() == bytes.fromhex(SECRET_KEY)
    # A real environment variable beats the secret file.
    env = {"OMNI2MQTT_MQTT__PASSWORD": "from-env"}
    password = load(tmp_path, text, env).mqtt.password
    assert password is not None and password.get_secret_value() == "from-env"
    missing = tmp_path / "missing"
    assert error(tmp_path, MINIMAL, {"OMNI2MQTT_SECRETS_DIR": str(missing)}) == (
        f"secrets_dir: {missing} is not a directory"
    )


# -- the example file ----------------------------------------------------------------------------


def test_example_file_validates() -> None:
    settings = SettingsLoader({}).load(EXAMPLE)
    panel = settings.panels[0]
    assert (panel.id, panel.host, panel.key_bytes()) == (
        "house",
        "192.168.1.50",
        bytes.fromhex(KEY),
    )


def test_example_file_shows_the_defaults() -> None:
    example = SettingsLoader({}).load(EXAMPLE)
    panel = {"id": "house", "name": "House", "host": "192.168.1.50", "controller_key": KEY}
    defaults = Settings.model_validate({"panels": [panel]})
    assert example.model_dump(exclude={"panels"}) == defaults.model_dump(exclude={"panels"})
    assert example.panels[0].model_dump(exclude={"controller_key"}) == defaults.panels[
        0
    ].model_dump(exclude={"controller_key"})


def _missing_keys(model: type[BaseModel], data: Any, where: str) -> list[str]:
    if not isinstance(data, dict):
        return [f"{where} (not a mapping)"]
    missing: list[str] = []
    for name, field in model.model_fields.items():
        path = f"{where}.{name}" if where else name
        if name not in data:
            missing.append(path)
            continue
        annotation = field.annotation
        items = getattr(annotation, "__args__", ())
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            missing += _missing_keys(annotation, data[name], path)
        elif items and isinstance(items[0], type) and issubclass(items[0], BaseModel):
            missing += [
                key
                for i, item in enumerate(data[name])
                for key in _missing_keys(items[0], item, f"{path}.{i}")
            ]
    return missing


def test_example_file_documents_every_key() -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    assert _missing_keys(Settings, data, "") == []
    assert EXAMPLE.read_text().isascii()


# -- log redaction -----------------------------------------------------------------------------


def test_redaction_masks_secrets_codes_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings.model_validate(
        {
            "mqtt": {"password": PASSWORD},
            "panels": [{"id": "h", "host": "h", "controller_key": SECRET_KEY.upper()}],
        }
    )
    redacting = RedactingFilter(settings.secret_values())
    logger = logging.getLogger("test.redaction")
    caplog.handler.addFilter(redacting)
    try:
        with caplog.at_level(logging.DEBUG, logger="test.redaction"):
            logger.debug("key %s pw %s", SECRET_KEY, PASSWORD)
            logger.info('payload {"action": "arm_away", "code": "1234"} and code=5678')
            try:
                raise ValueError(bytes.fromhex(SECRET_KEY).hex())
            except ValueError:
                logger.exception("failed")
        text = caplog.text
    finally:
        caplog.handler.removeFilter(redacting)
    for secret in (SECRET_KEY, SECRET_KEY.upper(), PASSWORD, "1234", "5678"):
        assert secret not in text
    assert f"key {MASK} pw {MASK}" in text
    assert f'"code": "{MASK}"' in text and f"code={MASK}" in text


def test_name_cache_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert load(tmp_path, MINIMAL).name_cache_dir == tmp_path / "xdg" / "omni2mqtt"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert load(tmp_path, MINIMAL).name_cache_dir == Path.home() / ".cache" / "omni2mqtt"
    explicit = load(tmp_path, MINIMAL + f"cache_dir: {tmp_path / 'c'}\n")
    assert explicit.name_cache_dir == tmp_path / "c"
    assert load(tmp_path, MINIMAL + "name_cache: false\n").name_cache_dir is None
