"""``toolkit.quotes``, the former path of :mod:`toolkit.framing.quotes` (quotations and their speakers).

The code lives in the framing package beside the machinery it shares (lexicons, speakers);
this module only re-exports its public names, so ``toolkit.quotes`` imports keep working.
"""

from toolkit.framing.quotes import *  # noqa: F403  (re-exported: the public names of toolkit.framing.quotes)
from toolkit.framing.quotes import __all__  # noqa: F401
