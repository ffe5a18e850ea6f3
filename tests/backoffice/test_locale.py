"""The project's translations: the committed .mo files are those compile_locale builds from the
.po files (an edited .po that was not compiled fails here), and Django uses them before its own."""

import gettext
import io
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

# A database test only because the suite's session fixtures need the test database.
pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"


def catalog(mo: Path) -> dict:
    with mo.open("rb") as file:
        return {key: value for key, value in gettext.GNUTranslations(file)._catalog.items() if key != ""}


def test_the_committed_mo_files_are_compiled_from_the_po_files(settings, tmp_path):
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy)
    settings.LOCALE_PATHS = [copy]
    call_command("compile_locale", stdout=io.StringIO())

    po_files = sorted(LOCALE.rglob("*.po"))
    assert {p.name for p in po_files} == {"django.po", "djangojs.po"}
    for po in po_files:
        assert not polib.pofile(str(po)).untranslated_entries(), po
        compiled = copy / po.relative_to(LOCALE).with_suffix(".mo")
        assert catalog(po.with_suffix(".mo")) == catalog(compiled), f"run `make messages` after editing {po}"


def test_django_uses_the_projects_chinese_before_its_own():
    with translation.override("zh-hans"):
        assert translation.gettext("- Select an option -") == "请选择"
        assert translation.gettext("By %(filter_title)s") % {"filter_title": "大区"} == "按大区"
        assert translation.pgettext("Task", "Ready") == "等待执行"
        assert translation.gettext("Save") == "保存"  # Django's own catalog still answers the rest
