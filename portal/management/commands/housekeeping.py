from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from comments import services as comment_services
from opendata import services as opendata_services
from outbox import services as outbox_services
from reports import services as report_services
from revisions.context import recorded_as_command
from takedowns import services as takedown_services


class Command(BaseCommand):
    help = (
        "Periodic upkeep (run it from cron, e.g. hourly): publish scheduled reports the task worker missed, "
        "recount report lists and the other apps' chores: "
        "takedown restorations, expired captchas (captcha_clean), and forgetting the IP address and "
        "browser of comments older than COMMENTS_ANONYMISE_AFTER_DAYS; mail whose worker died is queued again and "
        "finished task results older than 14 days are pruned (the outbox keeps every message); "
        "the bulk downloads of /data/ are rewritten for the years that changed."
    )

    def handle(self, *args, **options):
        published = report_services.reports_publish_due()
        self.stdout.write(f"reports: {published} scheduled report(s) published")
        report_services.tally_rebuild()
        self.stdout.write("report counts rebuilt")
        with recorded_as_command("housekeeping"):
            restored = takedown_services.notices_restore_due()
        self.stdout.write(f"takedowns: {restored} notice(s) restored after the counter-notice waiting period")
        call_command("captcha_clean", verbosity=0)
        self.stdout.write("captcha: expired challenges removed")
        days = settings.COMMENTS_ANONYMISE_AFTER_DAYS
        anonymised = comment_services.comments_anonymise(older_than_days=days)
        self.stdout.write(f"comments: IP and browser of {anonymised} comment(s) older than {days} days forgotten")
        requeued = outbox_services.emails_requeue_stuck()
        self.stdout.write(f"outbox: {requeued} message(s) whose delivery died with its worker queued again")
        call_command("prune_db_task_results", verbosity=0)
        self.stdout.write("tasks: finished results older than 14 days removed")
        downloads = opendata_services.downloads_build()
        self.stdout.write(f"downloads: {len(downloads.built)} year file(s) of /data/ rewritten")
        self.stdout.write(self.style.SUCCESS("housekeeping done"))
