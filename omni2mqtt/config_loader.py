"""Loading :class:`~omni2mqtt.config.Settings` from a YAML file and the environment.

Layers, lowest first: the models' defaults, the YAML file, ``OMNI2MQTT_*`` files in
``secrets_dir`` (Docker secrets), environment variables. pydantic-settings' env source parses
the variables (``__`` nesting, JSON for lists and mappings, names case-insensitive); panels
are a list, so ``OMNI2MQTT_PANELS__<ID>__<KEY>`` addresses a panel by its id, and
``OMNI2MQTT_PANELS`` may hold the whole list as JSON. A value and its ``*_file`` twin given by
different layers do not clash: the higher layer's choice wins.

The YAML file is read here rather than by pydantic-settings' YAML source, so that a syntax
error is reported by line and column without PyYAML's excerpt of the offending line (which
could be a controller key).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .config import (
    ENV_PREFIX,
    ConfigError,
    ConfigKeyError,
    PanelSettings,
    Settings,
    read_secret_file,
)

_PREFIX = ENV_PREFIX.lower()
_PANELS_PREFIX = f"{_PREFIX}panels__"
# A value in a higher layer replaces its ``*_file`` twin from a lower layer and vice versa.
_TWINS = (("password", "password_file"), ("controller_key", "controller_key_file"))

KeyPath = tuple[str | int, ...]


if TYPE_CHECKING:
    from pydantic_settings import BaseSettings


class _EnvModels(NamedTuple):
    settings: type[BaseSettings]
    panel: type[BaseSettings]


@functools.cache
def _env_models() -> _EnvModels:
    """Settings' and a panel's fields as pydantic-settings sees them (never instantiated).

    Made on first use: a configuration without ``OMNI2MQTT_*`` variables never loads
    pydantic-settings, which saves the gateway its memory and import time.
    """
    from pydantic_settings import BaseSettings, SettingsConfigDict  # noqa: PLC0415

    class SettingsEnv(Settings, BaseSettings):
        # defer_build: only the fields are read, never a validator.
        model_config = SettingsConfigDict(
            env_prefix=ENV_PREFIX, env_nested_delimiter="__", case_sensitive=False, defer_build=True
        )

    class PanelEnv(PanelSettings, BaseSettings):
        model_config = SettingsConfigDict(
            env_nested_delimiter="__", case_sensitive=False, defer_build=True
        )

    return _EnvModels(SettingsEnv, PanelEnv)


def _env_values(panel: bool, env: Mapping[str, str], prefix: str) -> dict[str, Any]:
    """The values pydantic-settings finds in ``env`` (lower-case names) for a panel's fields
    or, with ``panel`` false, the top-level settings'."""
    from pydantic_settings import EnvSettingsSource, SettingsError  # noqa: PLC0415

    models = _env_models()
    source = EnvSettingsSource(
        models.panel if panel else models.settings,
        case_sensitive=False,
        env_prefix=prefix,
        env_nested_delimiter="__",
    )
    # Read our mapping (environment plus secrets_dir files) instead of os.environ.
    source.env_vars = env
    try:
        return source()
    except SettingsError as exc:
        field = str(exc).split('"')[1] if '"' in str(exc) else "?"
        raise ConfigError(
            f"environment variable {(prefix + field).upper()} (or one below it): not valid JSON"
        ) from None


def merge(base: Any, override: Any) -> Any:
    """``override`` deep-merged over ``base``; lists and scalars are replaced whole."""
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return override
    result = dict(base)
    for value_key, file_key in _TWINS:
        if (value_key in override) != (file_key in override):
            result.pop(file_key if value_key in override else value_key, None)
    for key, value in override.items():
        result[key] = merge(result[key], value) if key in result else value
    return result


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a YAML file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        where = f" at line {exc.problem_mark.line + 1}" if exc.problem_mark else ""
        raise ConfigError(f"{path}: not valid YAML: {exc.problem or exc.context}{where}") from None
    except yaml.YAMLError:
        raise ConfigError(f"{path}: not valid YAML") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: must be a mapping of keys (mqtt:, panels:, ...), not {type(data).__name__}"
        )
    return data


def read_secrets_dir(directory: Any) -> dict[str, str]:
    """``OMNI2MQTT_*`` files in ``directory`` as variables (names lower-case)."""
    path = Path(directory)
    if not path.is_dir():
        raise ConfigError(f"secrets_dir: {path} is not a directory")
    values: dict[str, str] = {}
    for entry in sorted(path.iterdir()):
        name = entry.name.lower()
        if name.startswith(_PREFIX) and entry.is_file():
            try:
                values[name] = read_secret_file(entry.name, entry)
            except ConfigKeyError as exc:
                raise ConfigError(f"secrets_dir: {exc}") from None
    return values


def _reject_unknown_sections(env: Mapping[str, str]) -> None:
    """A nested name must start with a real key; plain unknown names are left alone, since
    other commands read some (``OMNI2MQTT_CONTROLLER_KEY``, ``OMNI2MQTT_CONFIG``)."""
    for name in env:
        section, nested, _ = name[len(_PREFIX) :].partition("__")
        if nested and section not in Settings.model_fields:
            raise ConfigError(
                f"{name.upper()}: there is no key {section!r} "
                f"(top-level keys: {', '.join(Settings.model_fields)})"
            )


def _any_key(env: Mapping[str, str]) -> bool:
    """Whether a variable names a top-level key (``OMNI2MQTT_<KEY>`` or ``..._<KEY>__...``)."""
    return any(name[len(_PREFIX) :].partition("__")[0] in Settings.model_fields for name in env)


def _leaf_paths(value: Any, prefix: KeyPath = ()) -> set[KeyPath]:
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in _leaf_paths(v, (*prefix, k))} or {prefix}
    if isinstance(value, list):
        return {p for i, v in enumerate(value) for p in _leaf_paths(v, (*prefix, i))} or {prefix}
    return {prefix}


class SettingsLoader:
    """Builds :class:`Settings` from a YAML file and a mapping of environment variables."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        source = os.environ if environ is None else environ
        self.environ = {k.lower(): v for k, v in source.items() if k.lower().startswith(_PREFIX)}
        # Paths set by the environment, so an error can say where a bad value came from.
        self._env_paths: set[KeyPath] = set()

    def load(self, path: Path | None) -> Settings:
        data = read_yaml(path) if path is not None else {}
        env = dict(self.environ)
        secrets_dir = env.get(f"{_PREFIX}secrets_dir") or data.get("secrets_dir")
        if secrets_dir:
            env = {**read_secrets_dir(secrets_dir), **env}
        top_level = {k: v for k, v in env.items() if not k.startswith(_PANELS_PREFIX)}
        _reject_unknown_sections(top_level)
        # Variables naming no key (OMNI2MQTT_CONFIG, other commands' OMNI2MQTT_CONTROLLER_KEY)
        # give no values: without any other, pydantic-settings need not run at all.
        from_env = _env_values(False, top_level, ENV_PREFIX) if _any_key(top_level) else {}
        self._env_paths = _leaf_paths(from_env) if from_env else set()
        merged = merge(data, from_env)
        panel_vars = sorted(k for k in env if k.startswith(_PANELS_PREFIX))
        if panel_vars:
            merged["panels"] = self._override_panels(merged.get("panels"), panel_vars, env)
        try:
            return Settings.model_validate(merged)
        except ValidationError as exc:
            raise ConfigError(self.describe(exc)) from None

    def _override_panels(self, panels: Any, names: list[str], env: dict[str, str]) -> list[Any]:
        if not isinstance(panels, list):
            raise ConfigError(
                f"{names[0].upper()}: panels must be a list (in the file or as JSON in "
                f"{ENV_PREFIX}PANELS) before a panel's keys can be overridden"
            )
        slugs = {
            index: str(panel.get("id", "")).lower().replace("-", "_")
            for index, panel in enumerate(panels)
            if isinstance(panel, dict)
        }
        known = ", ".join(s for s in slugs.values() if s) or "none configured"
        result = list(panels)
        for index in sorted({self._panel_index(name, slugs, known) for name in names}):
            prefix = f"{_PANELS_PREFIX}{slugs[index]}__"
            values = _env_values(True, {k: v for k, v in env.items() if k in names}, prefix)
            self._env_paths |= _leaf_paths(values, ("panels", index))
            result[index] = merge(result[index], values)
        return result

    @staticmethod
    def _panel_index(name: str, slugs: dict[int, str], known: str) -> int:
        rest = name[len(_PANELS_PREFIX) :]
        if "__" not in rest:
            raise ConfigError(
                f"{name.upper()}: name a key after the panel id, "
                f"e.g. {ENV_PREFIX}PANELS__HOUSE__HOST"
            )
        matches = [i for i, slug in slugs.items() if slug and rest.startswith(f"{slug}__")]
        if not matches:
            raise ConfigError(
                f"{name.upper()}: no panel with id {rest.split('__')[0]!r} "
                f"(panels are addressed by id: {known})"
            )
        index = max(matches, key=lambda i: len(slugs[i]))
        key = rest[len(slugs[index]) + 2 :].split("__")[0]
        if key not in PanelSettings.model_fields:
            raise ConfigError(f"{name.upper()}: a panel has no key {key!r}")
        return index

    def describe(self, exc: ValidationError) -> str:
        """One line per problem (joined by '; '): ``key.path: problem``, never an input value."""
        problems: list[str] = []
        for error in exc.errors(include_url=False, include_input=False):
            loc: KeyPath = tuple(error["loc"])
            problem = _problem(error)
            cause = error.get("ctx", {}).get("error")
            if isinstance(cause, ConfigKeyError):
                loc = (*loc, cause.key)
            if loc and loc[-1] == "[key]":
                loc, problem = loc[:-2], f"{loc[-2]!r} is not allowed here: {problem}"
            if any(p[: len(loc)] == loc or loc[: len(p)] == p for p in self._env_paths):
                problem += " (set by an environment variable)"
            text = f"{'.'.join(str(part) for part in loc) or 'config'}: {problem}"
            if text not in problems:
                problems.append(text)
        return "; ".join(problems)


_TEMPLATES = {
    "missing": "required",
    "extra_forbidden": "unknown key",
    "less_than_equal": "must be <= {le}",
    "less_than": "must be < {lt}",
    "greater_than_equal": "must be >= {ge}",
    "greater_than": "must be > {gt}",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text (put it in quotes)",
    "string_too_short": "must not be empty",
    "string_too_long": "must be at most {max_length} characters",
    "literal_error": "must be one of {expected}",
    "list_type": "must be a list",
    "dict_type": "must be a mapping (key: value)",
    "model_type": "must be a mapping (key: value)",
    "model_attributes_type": "must be a mapping (key: value)",
    "path_type": "must be a file path",
}


def _problem(error: ErrorDetails) -> str:
    ctx = error.get("ctx", {})
    if error["type"] in {"value_error", "assertion_error"} and "error" in ctx:
        return str(ctx["error"])
    template = _TEMPLATES.get(error["type"])
    if template is not None:
        try:
            return template.format(**ctx)
        except (KeyError, IndexError):
            pass
    return error["msg"]
