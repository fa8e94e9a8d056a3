"""Validates documents against the Atom 1.0 RELAX NG schema of RFC 4287 (tests/fixtures/atom).

The RFC gives the schema in compact syntax; rnc2rng converts it and lxml validates. The one
edit: the RFC's ``namespace local = ""`` becomes an ``xmlns:local=""`` declaration, which XML
namespaces 1.0 forbids (lxml refuses it); the ``nsName ns=""`` that uses it stays as it is.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import rnc2rng
from lxml import etree

ATOM_RNC = Path(__file__).resolve().parent / "fixtures" / "atom" / "atom.rnc"


@lru_cache(maxsize=1)
def atom_schema() -> etree.RelaxNG:
    rng = rnc2rng.dumps(rnc2rng.loads(ATOM_RNC.read_text(encoding="utf-8")))
    rng = rng.replace('xmlns:local=""', "")
    return etree.RelaxNG(etree.fromstring(rng.encode("utf-8")))


def atom_errors(document: bytes) -> list[str]:
    """RELAX NG errors of ``document`` (empty when it is valid Atom 1.0)."""
    schema = atom_schema()
    if schema.validate(etree.fromstring(document)):
        return []
    return [str(e) for e in schema.error_log]
