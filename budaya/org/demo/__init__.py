"""Demo data for ``manage.py seed_demo``: two real cities' agency trees with fictional people.

- ``tangerang.yaml``, ``serang.yaml``: each government, its agencies and sub-units, its framework
  adoption and its demo logins (format at the top of tangerang.yaml);
- ``staff.yaml``: names, positions and titles from which employees are composed;
- ``catalogue.py`` reads and checks the files, ``people.py`` composes the employees (deterministic),
  ``seed.py`` writes what is missing in one transaction.
"""
