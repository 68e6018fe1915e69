"""Changing points (CONTRACT: the points helper implements it)."""


def points_merge(*, source_user, target_user, actor) -> int:
    """Move every points entry of `source_user` to `target_user` (a customer merge); returns the points moved."""
    raise NotImplementedError
