"""omni2mqtt: a gateway between HAI/Leviton Omni-Link II panels and MQTT."""

__version__ = "0.1.0"
