from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "trainingdesk.certificates"
    verbose_name = "Certificates and verification"
