from django.apps import AppConfig


class BudayaConfig(AppConfig):
    """The app shell: base templates, navigation, error pages, health check."""

    name = "budaya"
    verbose_name = "Budaya"
