"""The declarative base of every table: naming convention, JSON and date types, enums stored as values."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Enum, ForeignKey, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def value_enum(enum: type[StrEnum], name: str, *, checked: bool = True) -> Enum:
    """Store an enum as its value in a VARCHAR (portable; no native ENUM type to migrate).

    ``checked=False`` leaves out the CHECK constraint: the values are validated in code only,
    so adding one needs no migration (catalogue sources, whose list is ``sources.REGISTRY``).
    """
    return Enum(enum, name=name, native_enum=False, create_constraint=checked, length=16,
                values_callable=lambda members: [m.value for m in members], validate_strings=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # none_as_null: Python None is SQL NULL, not the JSON text "null".
    type_annotation_map = {datetime: DateTime(), date: Date(), dict[str, Any]: JSON(none_as_null=True), list[str]: JSON(none_as_null=True)}


def release_fk(nullable: bool = False) -> Mapped[Any]:
    return mapped_column(ForeignKey("catalogue_release.id"), nullable=nullable)
