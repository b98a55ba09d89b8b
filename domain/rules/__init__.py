"""Pure rules: decisions made from values alone, with no ports and no unit of work.

Each is a function of what it is given (the vocabulary's types), so the use cases above can
call it and the unit tests can check it without a fake (docs/ARCHITECTURE.md).
"""
