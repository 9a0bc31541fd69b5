"""The baseline MQTT client: bare aiomqtt, nothing of the gateway (``python -m bench.bare``).

Run as its own process, like the gateway, so both are measured on the same footing. It connects,
prints ``ready``, and waits for ``go`` on stdin before publishing, so the bench times the
publishing alone and not Python's start-up. ``--window 1`` awaits every publish (the plain way
to write it); a larger window keeps that many publishes in flight, the fastest a bare client
can go. ``--count 0`` only stays connected until stdin closes (the idle baseline).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys

import aiomqtt


async def _publish(
    client: aiomqtt.Client, topic: str, payload: bytes, count: int, window: int
) -> None:
    if window <= 1:
        for _ in range(count):
            await client.publish(topic, payload, qos=1)
        return
    slots = asyncio.Semaphore(window)
    tasks: set[asyncio.Task[None]] = set()

    async def one() -> None:
        try:
            await client.publish(topic, payload, qos=1)
        finally:
            slots.release()

    for _ in range(count):
        await slots.acquire()
        task = asyncio.create_task(one())
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)


async def _main(args: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    # Nagle off, as the gateway has it: both sides publish the same way.
    nodelay = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    identifier = f"bench-bare-{args.port}"
    async with aiomqtt.Client(
        "127.0.0.1", args.port, identifier=identifier, socket_options=nodelay
    ) as c:
        print("ready", flush=True)
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if args.count and line.strip() == "go":
            await _publish(c, args.topic, args.payload.encode(), args.count, args.window)
            print("done", flush=True)
            line = await loop.run_in_executor(None, sys.stdin.readline)
        while line:  # stay connected until the bench closes stdin
            line = await loop.run_in_executor(None, sys.stdin.readline)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bare", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--topic", default="bench/bare")
    parser.add_argument("--payload", default="x" * 100)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--window", type=int, default=1)
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
