"""What the apps that show photos say about a photo's use.

The photo library knows nothing of articles (``articles`` depends on ``media_credits``,
never the reverse). An app that shows photos registers a ``PhotoUse`` here when it is
ready; the library asks it which rules a changed photo breaks and where a photo is used.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PhotoUse:
    #: photo (with the edited, unsaved values) -> reasons the change is refused
    problems: Callable[[object], list[str]]
    #: photo ids -> (kind, name, admin URL) of each thing that uses them
    users: Callable[[Iterable[int]], list[tuple[str, str, str]]]
    #: the permission that lets a user see those things' names
    view_permission: str


_uses: list[PhotoUse] = []


def register(use: PhotoUse) -> None:
    if use not in _uses:
        _uses.append(use)


def problems(photo) -> list[str]:
    """Why a photo, as edited, may not be saved: it no longer meets what a use requires."""
    return [problem for use in _uses for problem in use.problems(photo)]


def users(photo_ids: Iterable[int], user) -> list[tuple[str, str, str]] | None:
    """Where the photos are used, for ``user``; None when the user may not know that."""
    photo_ids = list(photo_ids)
    found: list[tuple[str, str, str]] = []
    for use in _uses:
        if not user.has_perm(use.view_permission):
            return None
        found += use.users(photo_ids)
    return found
