"""The bundle's entry point: ``Gladi`` with no arguments opens the desktop app; with
arguments it is the ``gladi`` command line (``Gladi simulate …``, ``Gladi serve …``).

PyInstaller runs this file as a script, so it imports the package absolutely
(``gladi/__main__.py`` uses a relative import that a script cannot).
"""

from gladi.cli import main

raise SystemExit(main())
