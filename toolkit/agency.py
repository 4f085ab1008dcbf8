"""The former path of :mod:`toolkit.framing.agency` (actor–action–target rows), kept so ``toolkit.agency`` imports keep working.

The code lives in the framing package beside the machinery it shares (lexicons, speakers);
this module only re-exports its public names.
"""

from toolkit.framing.agency import *  # noqa: F403  (re-exported: the public names of toolkit.framing.agency)
from toolkit.framing.agency import __all__  # noqa: F401
