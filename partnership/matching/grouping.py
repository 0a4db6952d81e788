"""The proposals page's order: what waits for the organisation's answer first, then the
proposals grouped by the organisation's own item (each need, then each offer), the best
groups first, each group best first. A group shows its three best; "more" opens the group on
its own (``focus``), with all its proposals: only the cards shown are explained and rendered."""

from dataclasses import dataclass, field

from .models import Match, MatchStatus

SHOWN_FIRST = 3


@dataclass
class ProposalGroup:
    item: object            # the organisation's own need or offer
    ours_is_need: bool
    matches: list[Match] = field(default_factory=list)
    whole: bool = False     # every proposal shown: the group on its own, or a linked one's

    @property
    def shown(self) -> list[Match]:
        return self.matches if self.whole else self.matches[:SHOWN_FIRST]

    @property
    def more(self) -> int:
        """How many proposals are behind the group's "more" link."""
        return len(self.matches) - len(self.shown)

    @property
    def best(self) -> float:
        return self.matches[0].score if self.matches else 0.0


@dataclass
class ProposalPage:
    waiting: list[Match]
    groups: list[ProposalGroup]
    focus: ProposalGroup | None = None   # one item's group on its own

    @property
    def total(self) -> int:
        return len(self.waiting) + sum(len(group.matches) for group in self.groups)

    @property
    def shown(self) -> list[Match]:
        """The proposals whose cards the page renders."""
        return [*self.waiting, *(m for group in self.groups for m in group.shown)]


def waits_for_answer(organisation_id: int, match: Match) -> bool:
    """The other side said it is interested; this organisation has not answered yet."""
    if match.need_organisation_id == organisation_id:
        return match.status == MatchStatus.INTEREST_OFFER
    return (match.offer_organisation_id == organisation_id
            and match.status == MatchStatus.INTEREST_NEED)


def arrange(organisation_id: int, matches: list[Match], focus: int | None = None,
            reveal: int | None = None) -> ProposalPage:
    """``matches`` come best first; the order within each part keeps that. With ``focus`` (one
    of the organisation's item ids), only that item's group, whole; an item with no group
    (its proposals answered or gone since the link was made) gives the whole page. ``reveal``
    (a match id: a link from "My work" to one proposal) shows that proposal's group whole."""
    waiting = [m for m in matches if waits_for_answer(organisation_id, m)]
    groups: dict[tuple[bool, int], ProposalGroup] = {}
    for match in matches:
        if waits_for_answer(organisation_id, match):
            continue
        ours_is_need = match.need_organisation_id == organisation_id
        item = match.need if ours_is_need else match.offer
        key = (not ours_is_need, item.id)
        groups.setdefault(key, ProposalGroup(item, ours_is_need)).matches.append(match)
    ordered = sorted(groups.items(), key=lambda pair: (pair[0][0], -pair[1].best, pair[0][1]))
    for group in (group for _key, group in ordered if reveal in (m.id for m in group.matches)):
        group.whole = True
    for group in (group for _key, group in ordered if group.item.id == focus):
        group.whole = True
        own = [m for m in waiting if focus in (m.need_id, m.offer_id)]
        return ProposalPage(own, [group], focus=group)
    return ProposalPage(waiting, [group for _key, group in ordered])
