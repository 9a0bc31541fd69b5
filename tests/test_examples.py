"""The README's examples work: the Node-RED flow follows the MQTT contract, the ACL is enforced."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import aiomqtt
import pytest

from omni2mqtt.mqtt.topics import CommandTopic, Topics

from .broker import Mosquitto

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_node_red_flow_is_wired_and_uses_contract_topics() -> None:
    nodes = json.loads((EXAMPLES / "node-red-flow.json").read_text())
    ids = {n["id"] for n in nodes}
    for node in nodes:
        for outputs in node.get("wires", []):
            assert set(outputs) <= ids, node["id"]
        if node["type"] in ("mqtt in", "mqtt out"):
            assert node["broker"] in ids
    topics = Topics("omni2mqtt")
    sets = [n["topic"] for n in nodes if n["type"] == "mqtt out"]
    assert {CommandTopic.parse(topics, t) for t in sets} == {
        CommandTopic("house", "area", 1, None),
        CommandTopic("house", "unit", 1, None),
    }
    arm = next(n for n in nodes if n["type"] == "inject")
    assert json.loads(arm["payload"])["action"] == "arm_away"


async def _delivered(port: int, user: str, topic: str) -> bool:
    """Whether a message ``user`` publishes on ``topic`` reaches the gateway's account."""
    async with aiomqtt.Client("127.0.0.1", port, username="omni2mqtt", password="gw") as gateway:
        await gateway.subscribe("omni2mqtt/#", qos=1)
        async with aiomqtt.Client("127.0.0.1", port, username=user, password=user) as client:
            await client.publish(topic, "x", qos=1)
        try:
            async with asyncio.timeout(1.0):
                async for message in gateway.messages:
                    if message.topic.value == topic:
                        return True
        except TimeoutError:
            return False
    return False


@pytest.mark.skipif(shutil.which("mosquitto_passwd") is None, reason="mosquitto-clients missing")
async def test_example_acl_keeps_node_red_away_from_alarm_commands(tmp_path: Path) -> None:
    broker = Mosquitto(
        directory=tmp_path,
        users={"omni2mqtt": "gw", "nodered": "nodered"},
        extra_config=[f"acl_file {EXAMPLES / 'mosquitto.acl'}"],
    )
    broker.start()
    try:
        assert await _delivered(broker.port, "nodered", "omni2mqtt/house/unit/1/set")
        assert not await _delivered(broker.port, "nodered", "omni2mqtt/house/area/1/set")
    finally:
        broker.stop()
