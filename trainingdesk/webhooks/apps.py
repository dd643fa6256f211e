from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "trainingdesk.webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from trainingdesk.lib import events, periodic
        from trainingdesk.webhooks import services

        events.register_listener(services.on_event)
        periodic.register("webhooks.enqueue_due_deliveries",
                          lambda now: services.enqueue_due(now=now))
        periodic.register("webhooks.disable_failing_endpoints",
                          lambda now: services.disable_failing_endpoints(now=now))
        periodic.register("webhooks.forget_old_deliveries",
                          lambda now: services.forget_old_deliveries(now=now))
