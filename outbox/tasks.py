from django.tasks import TaskContext, task

from . import services


@task(takes_context=True)
def deliver_email(context: TaskContext, email_id: int) -> str:
    return services.email_deliver(email_id=email_id, task_id=context.task_result.id)
