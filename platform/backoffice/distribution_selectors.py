"""Queries for the operator's distribution pages that distributor.selectors does not answer: the bonus rule
history and every distributor's place in the teams, read in a constant number of queries."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from distributor.models import BonusRuleSet, TeamLink
from distributor.selectors import TeamNode
from parties.models import Distributor


def bonus_rule_versions() -> QuerySet[BonusRuleSet]:
    return BonusRuleSet.objects.select_related("created_by").order_by("-version")


@dataclass(frozen=True)
class TeamPlace:
    distributor: Distributor
    upline: Distributor | None
    direct: int  # members recruited by this distributor
    size: int  # its whole downline, every depth


def team_places(*, distributors) -> list[TeamPlace]:
    """Upline and team size of each of `distributors` (two queries, whatever the number of links)."""
    upline_of: dict[int, int] = {}
    children: dict[int, list[int]] = defaultdict(list)
    for distributor_id, upline_id in TeamLink.objects.values_list("distributor_id", "upline_id"):
        upline_of[distributor_id] = upline_id
        children[upline_id].append(distributor_id)
    distributors = list(distributors)
    uplines = Distributor.objects.in_bulk({upline_of[d.pk] for d in distributors if d.pk in upline_of})

    def downline_size(root: int) -> int:
        seen, stack = {root}, [root]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in seen:  # links never loop (team_join refuses), but a bad row must not hang us
                    seen.add(child)
                    stack.append(child)
        return len(seen) - 1

    return [TeamPlace(distributor=d, upline=uplines.get(upline_of.get(d.pk)), direct=len(children.get(d.pk, ())),
                      size=downline_size(d.pk)) for d in distributors]


def team_rows(tree: TeamNode) -> list[TeamNode]:
    """The downline of a team tree, depth first (each member under its upline), without the root."""
    rows: list[TeamNode] = []

    def walk(node: TeamNode) -> None:
        for child in node.children:
            rows.append(child)
            walk(child)

    walk(tree)
    return rows
