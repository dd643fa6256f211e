from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "trainingdesk.lib"
    label = "lib"
    verbose_name = "Shared tools"

    def ready(self) -> None:
        from trainingdesk.lib import periodic, ratelimit

        periodic.register("lib.forget_expired_rate_counts",
                          lambda now: ratelimit.forget_expired_counts(now=now))
