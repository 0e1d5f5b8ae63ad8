"""Django's own interface strings that its Indonesian catalogue leaves untranslated (Django 6.1).

Marked here so ``make messages`` keeps them in ``budaya/locale``, which Django reads before its
own catalogues (``LOCALE_PATHS``); their Indonesian is in that catalogue like ours. The empty
choice of every select ("- Select an option -") is the one a user meets on every form.
``budaya/tests/test_translations.py`` fails when a Django upgrade brings a new one.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

DJANGO_STRINGS = (
    gettext_noop("- Select an option -"),
    gettext_noop("“%(value)s” is not a valid binary value."),
    gettext_noop("No %s matches the given query."),
    pgettext_lazy("ordinal is 1", "{}st"),
)
