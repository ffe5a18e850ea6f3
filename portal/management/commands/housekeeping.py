from django.core.management.base import BaseCommand

from portal.takedowns import services as takedown_services
from reports import services as report_services


class Command(BaseCommand):
    help = "Periodic upkeep (run it from cron, e.g. hourly): recount report lists and the other apps' chores."

    def handle(self, *args, **options):
        report_services.tally_rebuild()
        self.stdout.write("report counts rebuilt")
        restored = takedown_services.notices_restore_due()
        self.stdout.write(f"takedowns: {restored} notice(s) restored after the counter-notice waiting period")
        self.stdout.write(self.style.SUCCESS("housekeeping done"))
