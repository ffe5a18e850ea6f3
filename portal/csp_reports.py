"""Content-Security-Policy violation reports, as browsers send them to settings.CSP_REPORT_URI.

Two formats exist: the `report-uri` one (`application/csp-report`, `{"csp-report": {...}}` with
dashed keys), which every browser sends today, and the Reporting API's (`application/reports+json`,
a list of `{"type": "csp-violation", "body": {...}}` with camelCase keys). Both become Violations.
"""

import json
import logging
from dataclasses import dataclass

logger = logging.getLogger("portal.csp")

# A report names a few addresses and a 40-character sample; anything much larger is not a report.
MAX_REPORT_BYTES = 16 * 1024
# Longer values are cut in the log, so that one report cannot flood it.
MAX_LOGGED_CHARS = 300

# Violation field: its keys in a report-uri report, then in a Reporting API report, first found wins.
_FIELDS = {
    "disposition": (("disposition",), ("disposition",)),
    "directive": (("effective-directive", "violated-directive"), ("effectiveDirective",)),
    "blocked": (("blocked-uri",), ("blockedURL",)),
    "document": (("document-uri",), ("documentURL",)),
    "source": (("source-file",), ("sourceFile",)),
    "line": (("line-number",), ("lineNumber",)),
    "sample": (("script-sample",), ("sample",)),
}


class InvalidReport(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Violation:
    disposition: str
    directive: str
    blocked: str
    document: str
    source: str
    line: str
    sample: str

    @classmethod
    def of(cls, body: dict, *, reporting_api: bool) -> "Violation":
        def field(keys: tuple[str, ...]) -> str:
            value = next((body[key] for key in keys if body.get(key) is not None), "")
            return str(value)[:MAX_LOGGED_CHARS]

        return cls(**{name: field(keys[reporting_api]) for name, keys in _FIELDS.items()})

    def log(self) -> None:
        # %r keeps line breaks and control characters from the browser out of the log's own lines.
        logger.warning(
            "CSP violation (%s): %r blocked %r on %r, at %r line %s, sample %r",
            self.disposition or "enforce",
            self.directive,
            self.blocked,
            self.document,
            self.source,
            self.line or "?",
            self.sample,
        )


def parse(body: bytes) -> list[Violation]:
    """The violations in a report body, in either format; InvalidReport if it is neither."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidReport("not JSON") from error
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [Violation.of(data["csp-report"], reporting_api=False)]
    if isinstance(data, list):
        bodies = [
            item["body"]
            for item in data
            if isinstance(item, dict) and item.get("type") == "csp-violation" and isinstance(item.get("body"), dict)
        ]
        if bodies:
            return [Violation.of(body, reporting_api=True) for body in bodies]
    raise InvalidReport("no CSP violation in it")
