"""Domain errors. Each names the rule it enforces so users see why."""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused. ``rule`` is a short stable name for the rule."""

    rule = "domain_rule"

    def __init__(self, message: str, *, rule: str | None = None) -> None:
        super().__init__(message)
        if rule is not None:
            self.rule = rule


class NotFoundError(DomainError):
    rule = "unknown_id"


class NotAuthorisedError(DomainError):
    rule = "not_authorised"


class RuleViolationError(DomainError):
    rule = "rule_violation"


class ConcurrencyConflictError(DomainError):
    rule = "stale_version"


class InvalidInputError(DomainError):
    rule = "invalid_input"


class CommandIdReusedError(DomainError):
    """The issuer sent a command id again with another body: neither a retry nor new."""

    rule = "command_id_reused"
