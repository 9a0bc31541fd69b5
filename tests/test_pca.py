"""``omni2mqtt decode-pca`` and the .pca decoder, on files built byte by byte from Appendix B."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from omni2mqtt.cli import main
from omni2mqtt.pca import (
    CFG_KEY,
    EXPORT_KEY,
    PcaError,
    crypt,
    decode_pca,
    parse_key,
    read_cfg_key,
    stamp_key,
)

from . import pca_builder
from .pca_builder import PcaFile, cfg_file

KEY_TEXT = "00112233445566778899aabbccddeeff"
INSTALL_KEY = 0x0BADF00D


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["decode-pca", *args])
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, data: bytes, name: str = "House.pca") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_keystream_known_answer_and_symmetry() -> None:
    # seed 0: 1 -> k 0; 134775814 -> (134775814 >> 16) % 255 = 2056 % 255 = 16.
    assert crypt(b"\x00\x00", 0) == bytes([0, 16])
    assert crypt(bytes(4), EXPORT_KEY) == pca_builder.keystream_xor(bytes(4), EXPORT_KEY)
    stream = crypt(bytes(20000), CFG_KEY)
    assert 0xFF not in stream  # k is (seed >> 16) mod 255
    data = os.urandom(300)
    assert crypt(crypt(data, INSTALL_KEY), INSTALL_KEY) == data
    assert crypt(data, INSTALL_KEY) == pca_builder.keystream_xor(data, INSTALL_KEY)


def test_keys_from_text_and_stamp() -> None:
    assert parse_key("0x17569237") == EXPORT_KEY
    assert parse_key("391549495") == EXPORT_KEY
    assert parse_key("17569ABC") == 0x17569ABC
    for bad in ("", "0x1_0000_0000", "-1", "key", "4294967296"):
        with pytest.raises(PcaError) as info:
            parse_key(bad)
        assert info.value.kind == "bad_key"
    assert stamp_key("") == 0x12345678
    assert stamp_key("HAI-1234") == pca_builder.stamp("HAI-1234")


def test_exported_omni_pro_ii(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = PcaFile().encrypted()
    account = decode_pca(data)
    assert (account.host, account.port, account.controller_key) == ("192.168.1.50", 4369, KEY_TEXT)
    assert (account.model_name, account.firmware) == ("Omni Pro II", "2.16b")
    assert (account.connection_offset, account.found_by_search) == (58072, False)
    assert account.address == "1 Main Street\r\nSpringfield"
    assert KEY_TEXT not in repr(account) and "Smith" not in repr(account)

    code, out, err = run(capsys, write(tmp_path, data))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "model: Omni Pro II",
        "firmware: 2.16b",
        "host: 192.168.1.50",
        "port: 4369",
        f"controller_key: {KEY_TEXT}",
        "account_name: redacted",
        "address: redacted",
        "phone: redacted",
        "remarks: redacted",
    ]


def test_personal_data_only_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, PcaFile().encrypted())
    code, out, _ = run(capsys, path, "--include-pii")
    assert code == 0
    assert "account_name: Smith residence" in out
    assert "address: 1 Main Street\\nSpringfield" in out
    assert "phone: 555-0100" in out
    assert "remarks: installer: ACME alarms" in out
    assert "4321" not in out  # the modem access code is never shown


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("controller_key", KEY_TEXT),
        ("host", "192.168.1.50"),
        ("port", "4369"),
        ("model", "Omni Pro II"),
    ],
)
def test_single_field_for_scripts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: str
) -> None:
    code, out, err = run(capsys, write(tmp_path, PcaFile().encrypted()), "--field", field)
    assert (code, out, err) == (0, f"{value}\n", "")


def test_live_file_needs_the_per_install_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, PcaFile().encrypted(INSTALL_KEY))
    code, out, err = run(capsys, path)
    assert (code, out) == (1, "")
    assert "not a PC Access file, or encrypted with another key: try --cfg PCA01.CFG" in err

    cfg = write(tmp_path, cfg_file(INSTALL_KEY), "PCA01.CFG")
    assert read_cfg_key(Path(cfg).read_bytes()) == INSTALL_KEY
    code, out, _ = run(capsys, path, "--cfg", cfg, "--field", "controller_key")
    assert (code, out) == (0, f"{KEY_TEXT}\n")

    for key in (f"{INSTALL_KEY:#x}", str(INSTALL_KEY)):
        code, out, _ = run(capsys, path, "--key", key, "--field", "port")
        assert (code, out) == (0, "4369\n")

    other_cfg = write(tmp_path, cfg_file(INSTALL_KEY + 1), "OTHER.CFG")
    code, _, err = run(capsys, path, "--cfg", other_cfg)
    assert code == 1 and "neither the export key nor the one in" in err


def test_older_cfg_layout_and_bad_cfg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert read_cfg_key(cfg_file(INSTALL_KEY, version=4)) == INSTALL_KEY
    with pytest.raises(PcaError, match="ends at byte 100, its pca_key needs 301"):
        read_cfg_key(cfg_file(INSTALL_KEY)[:100])
    pca = write(tmp_path, PcaFile().encrypted(INSTALL_KEY))
    not_cfg = write(tmp_path, PcaFile().encrypted(), "PCA01.CFG")  # a .pca is no CFG
    code, _, err = run(capsys, pca, "--cfg", not_cfg)
    assert code == 1 and "not a PC Access settings file (PCA01.CFG)" in err


def test_installer_stamp(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, PcaFile().encrypted(pca_builder.stamp("HAI-1234")))
    code, out, _ = run(capsys, path, "--stamp", "HAI-1234", "--field", "host")
    assert (code, out) == (0, "192.168.1.50\n")


def test_truncated_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = PcaFile().encrypted()
    cases = {
        58100: "file ends at byte 58100, the Connection block needs 58232",
        1000: "file ends at byte 1000, the header needs 2191",
        3: "file ends at byte 3: too short for a .pca file",
    }
    for size, message in cases.items():
        code, out, err = run(capsys, write(tmp_path, data[:size]))
        assert (code, out) == (1, "")
        assert message in err
        assert KEY_TEXT not in err.lower()


def test_other_model_found_by_search(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # An Omni IIe (model 30): smaller capacities, so the block sits elsewhere; the port's
    # unused bytes hold junk, as Pascal strings may.
    pca = PcaFile(model=30, firmware=(3, 1, 0), body_size=30011, port=b"23", port_fill=b"\xaa")
    code, out, err = run(capsys, write(tmp_path, pca.encrypted()))
    assert code == 0
    assert "model: Omni IIe" in out and "port: 23" in out and f"controller_key: {KEY_TEXT}" in out
    assert "host: 192.168.1.50" in out
    assert f"found by searching the file (byte {2191 + 30011})" in err
    assert "omni2mqtt watch" in err


def test_unsupported_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pca = PcaFile(model=30, body_size=30011, with_connection=False)
    code, out, err = run(capsys, write(tmp_path, pca.encrypted()))
    assert (code, out) == (1, "")
    assert "unsupported model Omni IIe (model byte 30)" in err


def test_omni_pro_ii_with_a_damaged_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pca = PcaFile(key=b"not hex at all, not hex at all!!")
    code, _, err = run(capsys, write(tmp_path, pca.encrypted()))
    assert code == 1 and "no readable Connection block at byte 58072" in err


def test_junk_and_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, write(tmp_path, os.urandom(70000)))
    assert code == 1 and "encrypted with another key" in err
    code, _, err = run(capsys, str(tmp_path / "missing.pca"))
    assert code == 2 and "cannot read" in err
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and "is a directory" in err
    code, _, err = run(capsys, write(tmp_path, PcaFile().encrypted()), "--key", "nope")
    assert code == 2 and "32-bit number" in err
    with pytest.raises(SystemExit):
        main(["decode-pca", "x.pca", "--key", "1", "--cfg", "y"])
    # A block elsewhere (an unknown file version) is still found, with a note.
    moved = PcaFile(body_size=pca_builder.OMNI_PRO_II_BODY + 500)
    code, out, err = run(capsys, write(tmp_path, moved.encrypted()))
    assert code == 0 and f"controller_key: {KEY_TEXT}" in out
    assert "found by searching the file (byte 58572)" in err
