import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='OutgoingEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('to', models.EmailField(max_length=254, verbose_name='收件人')),
                ('subject', models.CharField(max_length=255, verbose_name='主题')),
                ('body', models.TextField(verbose_name='正文')),
                ('status', models.CharField(choices=[('queued', '待发送'), ('sent', '已发送'), ('failed', '发送失败')], default='queued', max_length=16, verbose_name='状态')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='已尝试次数')),
                ('last_error', models.TextField(blank=True, verbose_name='最近一次错误')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='排队时间')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='下次尝试')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                ('task_id', models.CharField(blank=True, editable=False, max_length=64, verbose_name='发送任务')),
            ],
            options={
                'verbose_name': '外发邮件',
                'verbose_name_plural': '外发邮件',
                'ordering': ['-created_at', '-id'],
                'permissions': [('resend_outgoingemail', '可以重新发送发送失败的邮件')],
                'indexes': [models.Index(fields=['status', 'created_at'], name='outbox_email_status_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('sent_at__isnull', False), ('status', 'sent')), models.Q(models.Q(('status', 'sent'), _negated=True), ('sent_at__isnull', True)), _connector='OR'), name='outbox_email_sent_has_time'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'queued'), _negated=True), ('next_attempt_at__isnull', False), _connector='OR'), name='outbox_email_queued_has_next_attempt')],
            },
        ),
    ]
