"""The Amtlicher Regionalschlüssel as a value: its parts and the levels above it, named instead of sliced.

ARS = Land (2) Regierungsbezirk (1) Kreis (2) Verband (4) Gemeinde (3), 12 digits. Destatis codes the
Verband part as "0" + the Gemeinde's own number for a verbandsfreie Gemeinde (Wolmirstedt:
15083 0565 565), "5…" for a member of a Gemeindeverband (Angern: 15083 5051 030, Verbandsgemeinde
Elbe-Heide) and "9…" for gemeindefreies Gebiet. A Kreis (or kreisfreie Stadt) ends in seven zeros,
a Land in ten, the Bund is all zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

from ozgtrack.numbers import is_digits

BUND = "000000000000"


@dataclass(frozen=True)
class Ars:
    """A 12-digit ARS; raises ValueError for anything else. ``str(ars)`` is the code."""

    code: str

    def __post_init__(self) -> None:
        if len(self.code) != 12 or not is_digits(self.code):
            raise ValueError(f"{self.code!r} ist kein ARS (12 Ziffern)")

    def __str__(self) -> str:
        return self.code

    @classmethod
    def of_land(cls, land: str) -> Ars:
        """The ARS of a Land from its code ("15" → 150000000000)."""
        return cls(land.zfill(2) + "0" * 10)

    @classmethod
    def of_kreis(cls, kreis: str) -> Ars:
        """The ARS of a Kreis from its five digits ("15083" → 150830000000)."""
        return cls(kreis + "0" * 7)

    @property
    def land(self) -> str:
        """The two digits of the Land ("15")."""
        return self.code[:2]

    @property
    def kreis(self) -> str:
        """The five digits of the Kreis ("15083")."""
        return self.code[:5]

    @property
    def verband_part(self) -> str:
        """The four digits of the Verband part ("0565", "5051", "9…")."""
        return self.code[5:9]

    @property
    def verband(self) -> str | None:
        """The nine digits of the Gemeindeverband of a member ("150835051"), else None."""
        return self.code[:9] if self.verband_part.startswith("5") else None

    @property
    def ags(self) -> str:
        """The 8-digit Gemeindeschlüssel: Land, Regierungsbezirk, Kreis and Gemeinde, without the Verband."""
        return self.code[:5] + self.code[9:]

    @property
    def is_bund(self) -> bool:
        return self.code == BUND

    @property
    def is_land(self) -> bool:
        """A Land, a Stadtstaat too (ten zeros after the Land); not the Bund."""
        return not self.is_bund and self.code[2:] == "0" * 10

    @property
    def is_regierungsbezirk(self) -> bool:
        return not self.is_land and not self.is_bund and self.code[3:] == "0" * 9

    @property
    def kreisfrei(self) -> bool:
        """Ends in seven zeros: a Kreis, or a municipality that is Gemeinde and Kreis at once (kreisfreie Stadt,
        Stadtstaat)."""
        return self.code.endswith("0" * 7)

    @property
    def is_verband(self) -> bool:
        """The ARS of a Gemeindeverband itself (its Verband part starts with 5, its Gemeinde part is 000)."""
        return self.verband is not None and self.code[9:] == "000"

    @property
    def gemeindefrei(self) -> bool:
        """Gemeindefreies Gebiet (Verband part starting with 9)."""
        return self.verband_part.startswith("9")

    def land_ars(self) -> Ars:
        return Ars.of_land(self.land)

    def kreis_ars(self) -> Ars:
        return Ars.of_kreis(self.kreis)

    def verband_ars(self) -> Ars | None:
        """The ARS of the Gemeindeverband of a member, else None."""
        return Ars(self.verband + "000") if self.verband is not None else None

    def above(self) -> tuple[Ars, ...]:
        """The levels above, nearest first, without repeats: its Gemeindeverband (members only), Kreis, Land, Bund."""
        chain = (self.verband_ars(), self.kreis_ars(), self.land_ars(), Ars(BUND))
        return tuple(dict.fromkeys(a for a in chain if a is not None and a != self))
