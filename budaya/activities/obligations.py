"""Expected occurrences of recurring obligations and their match with logged activities.

An occurrence is a date on which an agency must do what the obligation says, with a window in
which a logged activity of the obligation's form counts for it (the date itself, plus the days
of grace; the whole month for "once a month"). An occurrence is *due* once its window has
opened (today or earlier) and *done* when an activity of the agency (or one of its sub-units),
of that form and not merely planned, falls in the window.

Working days are Monday to Friday; national holidays and collective leave are not known to the
system, so an agency that held no apel on a holiday shows it as missed (noted on the board).
"""

from __future__ import annotations

import calendar
import datetime
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext

from budaya.activities.models import Obligation


@dataclass(frozen=True)
class Occurrence:
    obligation_id: int
    due_on: datetime.date
    window_start: datetime.date
    window_end: datetime.date


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _in_force(obligation: Obligation, day: datetime.date) -> bool:
    return obligation.starts_on <= day and (obligation.ends_on is None or day <= obligation.ends_on)


def occurrences(
    obligation: Obligation, start: datetime.date, end: datetime.date
) -> list[Occurrence]:
    """The obligation's occurrences whose date falls in [start, end], in date order."""
    grace = datetime.timedelta(days=obligation.grace_days)
    found: list[Occurrence] = []

    def add(day: datetime.date, window_start: datetime.date | None = None) -> None:
        if start <= day <= end and _in_force(obligation, day):
            found.append(Occurrence(obligation.pk, day, window_start or day, day + grace))

    frequency = obligation.frequency
    if frequency in (Obligation.Frequency.WORKING_DAYS, Obligation.Frequency.WEEKLY):
        weekday = (obligation.day or 1) - 1
        day = start
        while day <= end:
            if frequency == Obligation.Frequency.WORKING_DAYS:
                if day.weekday() < 5:
                    add(day)
            elif day.weekday() == weekday:
                add(day)
            day += datetime.timedelta(days=1)
        return found
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = month_end(year, month)
        if frequency == Obligation.Frequency.MONTHLY_DAY:
            add(datetime.date(year, month, min(obligation.day or 1, last.day)))
        else:  # once a month, any day of it: due on its last day
            add(last, window_start=datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def is_met(occurrence: Occurrence, dates: list[datetime.date]) -> bool:
    """Whether one of ``dates`` (sorted) falls in the occurrence's window."""
    index = bisect_left(dates, occurrence.window_start)
    return index < len(dates) and dates[index] <= occurrence.window_end


@dataclass
class Tally:
    done: int = 0
    due: int = 0
    upcoming: int = 0
    # The period it counts (a month of the board), for links to the activities behind it.
    first: datetime.date | None = None
    last: datetime.date | None = None

    @property
    def missed(self) -> int:
        return self.due - self.done

    @property
    def state(self) -> str:
        """ok (all done), warn (part), bad (none), "" (nothing due yet)."""
        if not self.due:
            return ""
        if self.done >= self.due:
            return "ok"
        return "warn" if self.done else "bad"

    @property
    def fraction(self) -> str:
        """The cell as the board shows it, "done/due" (a string: no number formatting per cell)."""
        return f"{self.done}/{self.due}"

    @property
    def title(self) -> str:
        return gettext("%(done)s of %(due)s done") % {"done": self.done, "due": self.due}

    def add(self, other: Tally) -> None:
        self.done += other.done
        self.due += other.due
        self.upcoming += other.upcoming


def tally(items: Iterable[Occurrence], dates: list[datetime.date], today: datetime.date) -> Tally:
    result = Tally()
    for occurrence in items:
        if occurrence.window_start > today:
            result.upcoming += 1
        else:
            result.due += 1
            result.done += is_met(occurrence, dates)
    return result
