"""cdcheck: check draft statements against the no-naming rule of the UN Constructive Dialogues.

Heavy imports (spaCy, torch) happen only when a Checker first needs them, to keep start-up lean.
"""

__version__ = "0.1.0"

__all__ = ["Checker", "__version__"]


def __getattr__(name):
    if name == "Checker":
        from .checker import Checker

        return Checker
    raise AttributeError(name)
