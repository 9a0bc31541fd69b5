"""Typed v2 messages. Importing this package registers every message class by opcode."""
