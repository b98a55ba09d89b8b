"""Use cases: one module per capability, each running in one unit of work.

They check their input with ``domain.rules.limits``, read and write through the ports, decide
with the pure rules, and record the events that report a change in the same unit. What they
share lives in ``common``; a use case never imports a sibling (docs/ARCHITECTURE.md).
"""
