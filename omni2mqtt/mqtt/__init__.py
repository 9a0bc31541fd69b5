"""The MQTT side: topics, state publishing, Home Assistant discovery, commands, bridge API.

Each concern is one module (like zigbee2mqtt's extensions); they talk to panels only through the
panel client's public API and its state store's change events.
"""
