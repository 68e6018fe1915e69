"""Reading points (CONTRACT: the points helper implements it)."""


def points_balance(*, user) -> int:
    """The shopper's spendable points."""
    raise NotImplementedError
