from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "trainingdesk.certificates"
    verbose_name = "Certificates and verification"

    def ready(self) -> None:
        from trainingdesk.certificates import attachments, services
        from trainingdesk.certificates.issuer import CertificateIssuer
        from trainingdesk.coursework import events
        from trainingdesk.lib import periodic, verification
        from trainingdesk.notifications import attachments as email_attachments

        verification.register(CertificateIssuer())  # the public page finds certificates
        email_attachments.register("certificate", attachments.certificate_pdf_attachment)
        events.register_on_passed(services.on_portfolio_passed)  # issued as coursework passes
        # ... and for anyone due later (their supervision hours completed after the pass).
        periodic.register("certificates.issue_due",
                          lambda now: services.issue_due_certificates(now=now))
