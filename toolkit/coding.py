"""``toolkit.coding``, the former path of :mod:`toolkit.framing.coding` (coding sheets and agreement).

The code lives in the framing package beside the machinery it shares (lexicons, speakers);
this module only re-exports its public names, so ``toolkit.coding`` imports keep working.
"""

from toolkit.framing.coding import *  # noqa: F403  (re-exported: the public names of toolkit.framing.coding)
from toolkit.framing.coding import __all__  # noqa: F401
