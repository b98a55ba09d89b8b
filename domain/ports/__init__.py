"""Ports: what the domain needs from the outside world, as small abstract classes, by concern.

They sit above the rules and the vocabulary, whose types they carry, and below the use cases
that call them (docs/ARCHITECTURE.md).
"""
