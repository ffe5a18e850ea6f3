from django.core.management.base import BaseCommand

from reports.regions import REGIONS_CSV, load_regions


class Command(BaseCommand):
    help = "Load (or update) China's administrative divisions from reports/data/cn_regions.csv."

    def add_arguments(self, parser):
        parser.add_argument("--path", default=REGIONS_CSV, help="CSV with code,name,type,level,parent_code,area")

    def handle(self, *args, path, **options):
        count = load_regions(path)
        self.stdout.write(self.style.SUCCESS(f"{count} regions loaded."))
