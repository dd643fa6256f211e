from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "trainingdesk.admissions"
    verbose_name = "Admissions"

    def ready(self) -> None:
        from trainingdesk.admissions import services
        from trainingdesk.bookings import eligibility
        from trainingdesk.lib import periodic

        # Bookings asks whether a person may book a level; admissions answers.
        eligibility.answer_with(services.admission_refusal)
        periodic.register("admissions.delete_old_evidence",
                          lambda now: services.delete_old_evidence(now=now))
