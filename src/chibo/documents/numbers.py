"""Document numbers: `NUMBER-TYPE/ISSUER`, e.g. 21-NQ/TW, 07-CT/TU, 121-KH/TU."""

import re
import unicodedata
from dataclasses import dataclass

_NUMBER = re.compile(
    r"^(?P<serial>[0-9]{1,6})-(?P<type>[A-ZĐ]{2})/(?P<issuer>[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*)$"
)


@dataclass(frozen=True)
class DocumentNumber:
    serial: int
    doc_type: str
    issuer: str

    def __str__(self) -> str:
        return f"{self.serial:02d}-{self.doc_type}/{self.issuer}"


def normalize(text: str) -> str:
    """Upper case, composed, without spaces: "21 - nq / tw" → "21-NQ/TW"."""
    return "".join(unicodedata.normalize("NFC", text).upper().split())


def parse(text: str) -> DocumentNumber | None:
    """The parts of a document number, or None when it is not of the form NUMBER-TYPE/ISSUER."""
    match = _NUMBER.match(normalize(text))
    if match is None or int(match["serial"]) == 0:
        return None
    return DocumentNumber(int(match["serial"]), match["type"], match["issuer"])
