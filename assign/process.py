"""Interchange format v1.2: the process nodes of one case (`Case.process`), all optional.

The step limits of the 期限规定 (法发〔2006〕35号, Arts. 1-6) run from process nodes the v1
format does not carry: when the officer was assigned, when the applicant was asked for
asset leads, which leads were given and checked, when an investigation was requested and
started, when concealment was reported, when an extension was requested and approved.
v1.2 adds them as one optional object, so every v1 / v1.1 file stays valid.

A node that is absent (or null) is **unknown**: the source system may not track it. It is
never read as "not done", so it never makes an alert (`rules/alert_facts.py`). Only a
recorded date that is later than its limit is "late".
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from assign.fields import DateOrder, DatesInOrder, EventDate, FormatRecord


class _Model(FormatRecord):
    """A record of this module (the format's common configuration: `FormatRecord`)."""


class Lead(_Model, DatesInOrder):
    """An asset lead (财产线索) the applicant gave, and when the officer checked it (Art. 6)."""

    DATE_ORDER: ClassVar[DateOrder] = (("given_on", "checked_on"),)
    given_on: EventDate
    checked_on: EventDate | None = None


class ProcessNodes(_Model, DatesInOrder):
    """Dated process nodes (v1.2). Every field optional; absent = unknown, never late."""

    DATE_ORDER: ClassVar[DateOrder] = (("investigation_requested_on", "investigation_started_on"),
                                       ("concealment_reported_on", "control_measures_on"),
                                       ("extension_requested_on", "extension_approved_on"))

    officer_assigned_on: EventDate | None = None  # 确定承办人 (Art. 2); also the day the officer receives the file
    notice_served_on: EventDate | None = None  # 执行通知书 sent (Art. 4); else the earliest `notice` measure
    leads_requested_on: EventDate | None = None  # applicant asked for asset leads (Art. 5)
    leads: list[Lead] = Field(default_factory=list)  # leads given and checked (Art. 6 ¶1)
    investigation_requested_on: EventDate | None = None  # applicant asked the court to investigate (Art. 6 ¶2)
    investigation_started_on: EventDate | None = None  # the court started the investigation
    concealment_reported_on: EventDate | None = None  # court learned of moving/hiding assets (Art. 4 ¶2)
    control_measures_on: EventDate | None = None  # control measure taken; else the first freeze/seize after the report
    extension_requested_on: EventDate | None = None  # extension of the closing deadline asked for (Art. 1)
    extension_approved_on: EventDate | None = None  # approved by the president or a vice-president (审限规定 Art. 5)

    def dates(self) -> list[date]:
        """Every date the record names (for the 'no date after the evaluation date' check)."""
        days = [d for d in (self.officer_assigned_on, self.notice_served_on, self.leads_requested_on,
                            self.investigation_requested_on, self.investigation_started_on,
                            self.concealment_reported_on, self.control_measures_on,
                            self.extension_requested_on, self.extension_approved_on) if d is not None]
        for lead in self.leads:
            days += [d for d in (lead.given_on, lead.checked_on) if d is not None]
        return days
