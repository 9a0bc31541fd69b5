"""Session-key derivation and the per-packet AES-128-ECB with sequence whitening (spec §4)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes

from .errors import BadLengthError, EncodeError

KEY_SIZE = 16
SESSION_ID_SIZE = 5
BLOCK_SIZE = 16


def parse_controller_key(text: str) -> bytes:
    """Parse a ControllerKey as PC Access shows it: 32 hex digits.

    Separators (``:``, ``-``, spaces), a ``0x`` prefix per group and upper/lower case are tolerated,
    so that keys pasted from PC Access or from other bridges' "key1"/"key2" halves just work.
    The key itself is never included in the error message.
    """
    cleaned = text.strip().lower()
    for prefix_sep in (" ", ":", "-", ",", "\t"):
        cleaned = cleaned.replace(prefix_sep, "/")
    groups = [g[2:] if g.startswith("0x") else g for g in cleaned.split("/") if g]
    digits = "".join(groups)
    if len(digits) != KEY_SIZE * 2:
        raise EncodeError(
            f"controller key must be 32 hex digits (16 bytes), got {len(digits)} digits"
        )
    try:
        return bytes.fromhex(digits)
    except ValueError:
        raise EncodeError("controller key must contain only hex digits 0-9 and a-f") from None


def derive_session_key(controller_key: bytes, session_id: bytes) -> bytes:
    """SessionKey = ControllerKey with its last five bytes XORed with the SessionID (spec §4.1)."""
    if len(controller_key) != KEY_SIZE:
        raise EncodeError(f"controller key must be {KEY_SIZE} bytes, got {len(controller_key)}")
    if len(session_id) != SESSION_ID_SIZE:
        raise EncodeError(f"session id must be {SESSION_ID_SIZE} bytes, got {len(session_id)}")
    tail = bytes(k ^ s for k, s in zip(controller_key[11:], session_id, strict=True))
    return controller_key[:11] + tail


def whiten(data: bytes | bytearray, seq: int) -> bytes:
    """XOR the sequence number into the first two bytes of every 16-byte block (self-inverse)."""
    buf = bytearray(data)
    _whiten_blocks(buf, seq)
    return bytes(buf)


def pad(plain: bytes) -> bytes:
    """Zero-pad to a multiple of 16 bytes; an empty plaintext stays empty."""
    return plain + b"\x00" * (-len(plain) % BLOCK_SIZE)


def _whiten_blocks(buf: bytearray, seq: int) -> None:
    hi, lo = (seq >> 8) & 0xFF, seq & 0xFF
    for offset in range(0, len(buf), BLOCK_SIZE):
        buf[offset] ^= hi
        buf[offset + 1] ^= lo


@dataclass(frozen=True)
class PacketCipher:
    """AES-128-ECB under one session key, with every block whitened by the packet's seq.

    Builds the ``cryptography`` contexts once, so the hot path does not rebuild them per packet:
    ECB has no chaining, so one context's ``update`` over whole blocks is the same as a fresh
    context per packet (creating one costs more than decrypting a packet).
    ``repr`` hides the key: objects holding secrets may end up in logs or tracebacks.
    """

    key: bytes = field(repr=False)
    _encryptor: CipherContext = field(init=False, repr=False, compare=False)
    _decryptor: CipherContext = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.key) != KEY_SIZE:
            raise EncodeError(f"session key must be {KEY_SIZE} bytes, got {len(self.key)}")
        cipher = Cipher(algorithms.AES(self.key), modes.ECB())
        object.__setattr__(self, "_encryptor", cipher.encryptor())
        object.__setattr__(self, "_decryptor", cipher.decryptor())

    def encrypt(self, plain: bytes, seq: int) -> bytes:
        buf = bytearray(pad(plain))
        _whiten_blocks(buf, seq)
        # Whole blocks only (padded above), so the context never holds a partial block back.
        return self._encryptor.update(bytes(buf))

    def decrypt(self, cipher_text: bytes, seq: int) -> bytes:
        """Decrypt and un-whiten; padding is kept (the inner length byte delimits the message)."""
        if len(cipher_text) % BLOCK_SIZE:
            raise BadLengthError(
                f"ciphertext length {len(cipher_text)} is not a multiple of {BLOCK_SIZE}"
            )
        buf = bytearray(self._decryptor.update(cipher_text))
        _whiten_blocks(buf, seq)
        return bytes(buf)
