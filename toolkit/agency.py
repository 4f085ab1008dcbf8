"""``toolkit.agency``, the former path of :mod:`toolkit.framing.agency` (actor–action–target rows).

The code lives in the framing package beside the machinery it shares (lexicons, speakers);
this module only re-exports its public names, so ``toolkit.agency`` imports keep working.
"""

from toolkit.framing.agency import *  # noqa: F403  (re-exported: the public names of toolkit.framing.agency)
from toolkit.framing.agency import __all__  # noqa: F401
