"""``omni2mqtt demo``: the emulated demo house, a broker and the real gateway in one process."""
