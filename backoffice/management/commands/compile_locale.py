from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Compile the project's translations (every .po under LOCALE_PATHS) into the .mo files Django "
        "reads, in pure Python (polib, a development dependency), so no gettext tools are needed."
    )

    def handle(self, *args, **options):
        import polib

        catalogs = sorted(path for root in settings.LOCALE_PATHS for path in Path(root).rglob("*.po"))
        if not catalogs:
            raise CommandError(f"no .po files under {', '.join(map(str, settings.LOCALE_PATHS))}")
        for po_path in catalogs:
            catalog = polib.pofile(str(po_path), check_for_duplicates=True)
            if untranslated := [entry.msgid for entry in catalog.untranslated_entries()]:
                raise CommandError(f"{po_path}: untranslated: {untranslated}")
            catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(f"{po_path.with_suffix('.mo')}: {len(catalog)} messages")
