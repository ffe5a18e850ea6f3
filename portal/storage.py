import os
import tempfile
from contextlib import suppress

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from whitenoise.storage import CompressedManifestStaticFilesStorage


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, outside the web root: they have no public URL and are
    served only through views that check who may read them (takedown evidence in admin, the
    originals of public reports). The root is read on every use so that
    tests can point it at a temporary directory."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no public URL")

    def _save(self, name, content):
        """Written beside its place and linked in only when whole: a disk that fills up midway leaves
        no half-written evidence behind (the caller sees the OSError)."""
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".partial-")
        try:
            with os.fdopen(descriptor, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.link(partial, path)  # never replaces a file already there (save() chose a free name)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(partial)
        return name


class StaticStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed, hashed static files, with url() remembered: the manifest is read
    once per process and does not change while it runs, and a page asks for eight addresses,
    some 40 µs each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        if (url := self._urls.get(name)) is None:
            url = self._urls[name] = super().url(name)
        return url
