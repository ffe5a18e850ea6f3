from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from reports import demo, services
from reports.models import Category, Region, Report, ReportStatus


class Command(BaseCommand):
    help = "Load the demo content: the seed page as report 5618 and some synthetic reports. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--synthetic", type=int, default=3000, help="synthetic reports to have at least")

    def handle(self, *args, synthetic, **options):
        if not Report.objects.filter(pk=demo.SEED_ID).exists():
            seed = demo.read_seed()
            services.report_create(
                pk=demo.SEED_ID,
                title=seed.title,
                body=seed.body,
                region=Region.objects.get(code=demo.SEED_REGION_CODE),
                category=Category.objects.get(slug=demo.SEED_CATEGORY),
                date=demo.SEED_DATE,
                source_name=demo.SEED_SOURCE[0],
                source_url=demo.SEED_SOURCE[1],
                status=ReportStatus.PUBLISHED,
            )
            self.stdout.write(f"Report {demo.SEED_ID} created.")
        with connection.cursor() as cursor:
            # Explicit ids (5618) must not collide with the ones PostgreSQL hands out next.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('reports_report', 'id'), "
                "GREATEST((SELECT max(id) FROM reports_report), 1))"
            )
        jishou = Region.objects.get(code=demo.SEED_REGION_CODE)
        baogao = Category.objects.get(slug=demo.SEED_CATEGORY)
        previous = demo.seed_previous_year()
        if not Report.objects.filter(
            region=jishou, category=baogao, date=demo.SEED_PREVIOUS_DATE, title=previous.title
        ).exists():
            services.report_create(
                title=previous.title,
                body=previous.body,
                region=jishou,
                category=baogao,
                date=demo.SEED_PREVIOUS_DATE,
                source_name=demo.SEED_PREVIOUS_SOURCE,
                status=ReportStatus.PUBLISHED,
            )
            self.stdout.write("The seed's comparison report of the year before created.")
        missing = synthetic - (Report.objects.count() - 1)
        if missing > 0:
            call_command("generate_reports", count=missing, seed=2026, verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
