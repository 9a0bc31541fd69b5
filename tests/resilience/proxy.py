"""A TCP relay between the gateway and the emulator that counts every byte sent to the panel.

"Nothing reached the panel" is then measured on the wire, not inferred from the emulator's
request counters: a keep-alive, a stray poll or a half-sent command would all show up.
"""

from __future__ import annotations

import asyncio
import contextlib

from omni2mqtt.emulator.tcp import TcpService


class CountingProxy(TcpService):
    def __init__(self, target_port: int) -> None:
        super().__init__("127.0.0.1", 0)
        self.target_port = target_port
        self.to_panel = 0
        self.to_client = 0

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        panel_reader, panel_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        try:
            await asyncio.gather(
                self._pipe(reader, panel_writer, to_panel=True),
                self._pipe(panel_reader, writer, to_panel=False),
            )
        finally:
            panel_writer.close()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, to_panel: bool
    ) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                if to_panel:
                    self.to_panel += len(data)
                else:
                    self.to_client += len(data)
                writer.write(data)
                await writer.drain()
        writer.close()
