# The monitoring scene (a government running by a shipped rulebook, a period, an agency's team)
# for the return of a report.
from budaya.monev.tests.conftest import media, scene, scene_rulebook  # noqa: F401
