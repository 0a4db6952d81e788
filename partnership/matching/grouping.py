"""The proposals page's order: what waits for the organisation's answer first, then the
proposals grouped by the organisation's own item (each need, then each offer), the best
groups first, each group best first with the rest behind "more"."""

from dataclasses import dataclass, field

from .models import Match, MatchStatus

SHOWN_FIRST = 3


@dataclass
class ProposalGroup:
    item: object            # the organisation's own need or offer
    ours_is_need: bool
    matches: list[Match] = field(default_factory=list)

    @property
    def first(self) -> list[Match]:
        return self.matches[:SHOWN_FIRST]

    @property
    def more(self) -> list[Match]:
        return self.matches[SHOWN_FIRST:]

    @property
    def best(self) -> float:
        return self.matches[0].score if self.matches else 0.0


@dataclass
class ProposalPage:
    waiting: list[Match]
    groups: list[ProposalGroup]


def waits_for_answer(organisation_id: int, match: Match) -> bool:
    """The other side said it is interested; this organisation has not answered yet."""
    if match.need_organisation_id == organisation_id:
        return match.status == MatchStatus.INTEREST_OFFER
    return (match.offer_organisation_id == organisation_id
            and match.status == MatchStatus.INTEREST_NEED)


def arrange(organisation_id: int, matches: list[Match]) -> ProposalPage:
    """``matches`` come best first; the order within each part keeps that."""
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
    return ProposalPage(waiting, [group for _key, group in ordered])
