from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "trainingdesk.catalogue"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from trainingdesk.catalogue import feeds
        from trainingdesk.lib.calendar import register_feed_source

        register_feed_source(feeds.trainers_runs)
