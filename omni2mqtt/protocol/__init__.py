"""Sans-I/O Omni-Link II codec: bytes in, typed messages and events out.

No asyncio, no sockets, no clocks. The client (``omni2mqtt.panel``), the emulator
(``omni2mqtt.emulator``) and the MQTT mapping all take their protocol facts from here.
"""
