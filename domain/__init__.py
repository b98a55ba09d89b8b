"""The scheduling core: plain Python, standard library only.

Everything here is reached through the ports in :mod:`domain.ports`; adapters live outside.
"""
