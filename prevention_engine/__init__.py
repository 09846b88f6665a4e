"""prevention-engine: a personal prevention agenda from versioned, clinician-readable calendars.

``Engine.default().evaluate(Profile.model_validate(data), as_of=date(...))`` is the whole API;
everything else (CLI, batch, formats) is an adapter around that pure function.
"""

from .agenda import Agenda, AgendaItem, Notification, Status
from .dates import Duration, add, parse_duration
from .engine import Engine, Rejected
from .errors import CalendarError, InputError, PreventionError, ProfileError
from .profile import Profile

__all__ = [
    "Agenda",
    "AgendaItem",
    "CalendarError",
    "Duration",
    "Engine",
    "InputError",
    "Notification",
    "PreventionError",
    "Profile",
    "ProfileError",
    "Rejected",
    "Status",
    "add",
    "parse_duration",
]

__version__ = "0.1.0"
