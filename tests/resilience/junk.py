"""Junk for every kind of command topic, each payload invalid by construction.

Every generated command is ``(path, payload, error type)``: ``path`` under
``omni2mqtt/house/`` without ``/set``. Words are built to contain a character no command value
has (``~``), numbers are out of their range or not whole, codes are malformed, objects are not
named on the demo panel: no payload can be valid by chance, so each must get exactly that error.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable

BAD = "bad_payload"
CODE_REQUIRED = "code_required"
UNKNOWN = "unknown_object"

Junk = tuple[str, bytes, str]
# The code junk carries where a code is well-formed: it must never come back in a result.
CODE = "7913"
_TEXT = string.ascii_letters + string.digits + " _-.,:;!?/"


def word(rng: random.Random) -> str:
    """A word no command accepts: it always holds a ``~``."""
    chars = [rng.choice(_TEXT) for _ in range(rng.randint(0, 12))]
    chars.insert(rng.randint(0, len(chars)), "~")
    return "".join(chars)


def outside(rng: random.Random, low: int, high: int) -> object:
    """A value that is not a whole number in ``low..high``."""
    choices: list[object] = [
        rng.randint(high + 1, high + 10**6),
        rng.randint(low - 10**6, low - 1),
        rng.randint(low, high - 1) + rng.choice((0.25, 0.5, 0.75)),
        rng.choice(("nan", "inf", "-inf", "1e999", "0x10", "")),
        word(rng),
        # Not None: an absent option (JSON null) is valid.
        rng.choice((True, False, "null", [], {}, [1], {"a": 1})),
    ]
    return rng.choice(choices)


def _text(value: object) -> bytes:
    """A plain payload for strings, JSON for everything else."""
    return (value if isinstance(value, str) else json.dumps(value)).encode()


def _json(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def bad_code(rng: random.Random) -> object:
    digits = "".join(rng.choice(string.digits) for _ in range(rng.choice((1, 2, 3, 5, 6))))
    return rng.choice(
        (digits, "12a4", "\u0661\u0662\u0663\u0664", " 1234 "[: rng.randint(1, 5)], True, 12.5, [1])
    )


# -- per topic: (path template, builder of (payload, error)) ---------------------------------------

Maker = Callable[[random.Random], tuple[bytes, str]]


def _choice_topic(rng: random.Random) -> tuple[bytes, str]:
    """Topics whose value is one of a few names (modes, ON/OFF, actions)."""
    key = rng.choice(("state", "value", "action", "command"))
    payload = rng.choice((word(rng).encode(), _json(**{key: word(rng)})))
    return payload, BAD


def _number_topic(low: int, high: int) -> Maker:
    def make(rng: random.Random) -> tuple[bytes, str]:
        return _text(outside(rng, low, high)), BAD

    return make


def _setpoint(rng: random.Random) -> tuple[bytes, str]:
    value = rng.choice((rng.randint(1000, 10**6), rng.randint(-(10**6), -1000), word(rng)))
    return _text(value), BAD


def _area(rng: random.Random) -> tuple[bytes, str]:
    action = rng.choice(("arm_away", "disarm", "arm_home", "arm_night"))
    cases = [
        (_json(action=word(rng), code=CODE), BAD),
        (_json(action=action, code=bad_code(rng)), BAD),
        (_json(action=action), CODE_REQUIRED),
        (action.encode(), CODE_REQUIRED),
        (_json(action=action, code=CODE, extra=word(rng)), BAD),
    ]
    return rng.choice(cases)


def _bypass(rng: random.Random) -> tuple[bytes, str]:
    state = rng.choice(("ON", "OFF"))
    cases = [
        (_json(state=word(rng), code=CODE), BAD),
        (_json(state=state, code=bad_code(rng)), BAD),
        (state.encode(), CODE_REQUIRED),
    ]
    return rng.choice(cases)


def _unit(rng: random.Random) -> tuple[bytes, str]:
    cases = [
        (_json(state="ON", brightness=outside(rng, 0, 100)), BAD),
        (_json(state="OFF", brightness=rng.randint(1, 100)), BAD),
        (_json(state="ON", duration=outside(rng, 0, 18 * 3600)), BAD),
        (_json(state="ON", colour=word(rng)), BAD),
    ]
    return rng.choice([_choice_topic(rng), *cases])


def _unit_value(rng: random.Random) -> tuple[bytes, str]:
    return _text(outside(rng, 0, 255)), BAD


def _program(rng: random.Random) -> tuple[bytes, str]:
    cases = [
        (word(rng).encode(), BAD),
        (_json(clear=rng.choice((False, 1, "yes", None))), BAD),
        (_json(type=word(rng)), BAD),
        (_json(**{word(rng): rng.randint(0, 9)}), BAD),
    ]
    return rng.choice(cases)


def _lock(rng: random.Random) -> tuple[bytes, str]:
    cases = [_choice_topic(rng), (_json(state="LOCK", duration=rng.randint(1, 600)), BAD)]
    return rng.choice(cases)


def _audio_source(rng: random.Random) -> tuple[bytes, str]:
    return _text(rng.choice((0, rng.randint(256, 10**5), word(rng)))), BAD


def _humidity(rng: random.Random) -> tuple[bytes, str]:
    return _text(outside(rng, 0, 100)), BAD


# One entry per command topic of the router (kind, attribute), on objects the demo names.
TOPICS: dict[str, Maker] = {
    "area/{n}": _area,
    "zone/{n}/bypass": _bypass,
    "unit/{n}": _unit,
    "unit/{n}/brightness": _number_topic(0, 100),
    "unit/{n}/value": _unit_value,
    "thermostat/{n}/mode": _choice_topic,
    "thermostat/{n}/fan_mode": _choice_topic,
    "thermostat/{n}/hold": _choice_topic,
    "thermostat/{n}/heat_setpoint": _setpoint,
    "thermostat/{n}/cool_setpoint": _setpoint,
    "thermostat/{n}/humidify_setpoint": _humidity,
    "thermostat/{n}/dehumidify_setpoint": _humidity,
    "button/{n}": lambda rng: (b"", BAD),  # replaced below: any text presses a button
    "program/{n}": _program,
    "message/{n}": _choice_topic,
    "lock/{n}": _lock,
    "audio_zone/{n}": _choice_topic,
    "audio_zone/{n}/volume": _number_topic(0, 100),
    "audio_zone/{n}/source": _audio_source,
    "audio_zone/{n}/mute": _choice_topic,
}
NAMED = {
    "area": (1, 2),
    "zone": tuple(range(1, 22)),
    "unit": (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 257, 258, 385, 393, 394, 395),
    "thermostat": (1, 2),
    "button": (1, 2, 3),
    "program": (1, 2, 3, 10, 11, 20, 42, 1500),
    "message": (1, 2, 3),
    "lock": (1, 2),
    "audio_zone": (1, 2),
}
FLAGS = (393, 394, 395)
# Valid payloads per topic, for the unknown-object junk (a number the panel does not name).
VALID = {
    "area/{n}": _json(action="disarm", code=CODE),
    "zone/{n}/bypass": _json(state="ON", code=CODE),
    "unit/{n}": b"ON",
    "unit/{n}/brightness": b"50",
    "unit/{n}/value": b"5",
    "thermostat/{n}/mode": b"heat",
    "thermostat/{n}/fan_mode": b"auto",
    "thermostat/{n}/hold": b"off",
    "thermostat/{n}/heat_setpoint": b"65",
    "thermostat/{n}/cool_setpoint": b"78",
    "thermostat/{n}/humidify_setpoint": b"40",
    "thermostat/{n}/dehumidify_setpoint": b"60",
    "button/{n}": b"PRESS",
    "message/{n}": b"show",
    "lock/{n}": b"LOCK",
    "audio_zone/{n}": b"ON",
    "audio_zone/{n}/volume": b"30",
    "audio_zone/{n}/source": b"1",
    "audio_zone/{n}/mute": b"ON",
}
UNNAMED = {"area": 8, "zone": 22, "unit": 11, "thermostat": 3, "button": 4, "message": 4}


def _universal(rng: random.Random) -> tuple[bytes, str]:
    """Junk for any command topic: not UTF-8, too large, broken or non-object JSON."""
    cases = [
        bytes([0xFF, 0xFE]) + rng.randbytes(rng.randint(0, 40)),
        b"{" + word(rng).encode(),
        b"[" + json.dumps([rng.randint(0, 9) for _ in range(3)]).encode()[1:],
        b'{"state": "ON"' * rng.randint(1, 3),
        b"[" * 5000,
        b'{"a": ' * 3000 + b"1" + b"}" * 3000,
        b"[" + json.dumps(rng.choice((True, None, 1.5, "x"))).encode() + b"]",
        b'{"state": "ON", "transaction": ' + b"1" * 17000 + b"}",
    ]
    return rng.choice(cases), BAD


def _number_for(rng: random.Random, template: str) -> int:
    kind = template.split("/", maxsplit=1)[0]
    numbers = NAMED[kind]
    if template == "unit/{n}/value":
        numbers = FLAGS
    return rng.choice(numbers)


def junk_command(rng: random.Random) -> Junk:
    """One junk command on a random command topic."""
    template = rng.choice(sorted(TOPICS))
    roll = rng.random()
    if roll < 0.05:
        return _bad_topic(rng)
    if roll < 0.10 and template in VALID:
        kind = template.split("/", maxsplit=1)[0]
        if kind in UNNAMED:
            return template.format(n=UNNAMED[kind]), VALID[template], UNKNOWN
    number = _number_for(rng, template)
    if template.startswith("button/") or roll < 0.25:
        payload, kind_of_error = _universal(rng)
    else:
        payload, kind_of_error = TOPICS[template](rng)
    return template.format(n=number), payload, kind_of_error


def _bad_topic(rng: random.Random) -> Junk:
    """Topics the router does not know, or cannot parse."""
    path = rng.choice(
        (
            f"{word(rng).replace('/', '').replace('~', 'x')}/1",
            "unit/1/colour",
            "zone/1/state",
            "system/1",
            "auxiliary/19",
            "audio_source/1",
            "zone/\u00b2",
            "unit/\u00b9\u00b2",
            "area/one",
            "unit/-1",
        )
    )
    return path, b"ON", BAD
