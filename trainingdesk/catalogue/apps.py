from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "trainingdesk.catalogue"
    verbose_name = "Catalogue"
