"""The scheduling core: plain Python, standard library only, in four layers.

From the bottom: the vocabulary (the modules at this level: ``model``, ``windows``,
``events``, ``webhooks``, ``intervals``, ``errors``), ``rules`` (pure decisions), ``ports``
(what the domain needs from outside) and ``use_cases`` (one per capability, each in one unit
of work). Each imports only those below it; import-linter keeps it so (docs/ARCHITECTURE.md).
"""
