"""What of the photo library changes public pages, told to the page cache (newsroom.pagecache).

A photographer's names and a photo's caption, alt text and credit show on public pages; a
photo just uploaded is on none yet. A rendition made is the same picture, a rendition
deleted is a file a stored page may link to. Usage terms end at a local midnight, which
the page cache always treats as a due moment.
"""

from media_credits.models import Photo, Photographer, Rendition
from newsroom import pagecache


def connect() -> None:
    """Called from MediaCreditsConfig.ready()."""
    pagecache.watch(Photographer)
    pagecache.watch(Photo, on_create=False)
    pagecache.watch(Rendition, on_save=False)
