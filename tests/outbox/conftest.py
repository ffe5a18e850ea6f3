import pytest

from tests.servers import free_port


@pytest.fixture
def mail_server_down(settings):
    """The site's mailer is an SMTP server on a loopback port where nothing listens."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 5},
        }
    }
