from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "trainingdesk.audit"
    verbose_name = "Audit log"
