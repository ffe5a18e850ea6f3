from django.utils.deconstruct import deconstructible

from portal.storage import PrivateStorage as SharedPrivateStorage


@deconstructible
class PrivateStorage(SharedPrivateStorage):
    """Evidence files; the class keeps this path, which the migrations name."""


private_storage = PrivateStorage()
