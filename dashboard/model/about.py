"""What the partnership is, in sourced statements (from data/about.json): the About panel, the briefings'
background and the official counts shown beside ours."""

from __future__ import annotations

from dataclasses import dataclass

#: the About panel's sections, in the order it shows them
SECTIONS: tuple[str, ...] = ("Launch", "Purpose", "Goals", "Agencies", "What was counted", "City pairs")


@dataclass(frozen=True)
class Statement:
    """One sentence about the partnership, with the document it comes from."""

    section: str
    text: str
    source: str
    #: part of the two- to three-sentence background that opens every briefing
    briefing: bool = False
    #: a figure the partnership itself published (e.g. 20), and what it counts ("launched projects")
    count: int | None = None
    counts: str = ""


@dataclass(frozen=True)
class About:
    """Every statement of the about file, in its order."""

    statements: tuple[Statement, ...]

    def section(self, name: str) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.section == name)

    @property
    def background(self) -> str:
        """The briefing background: the statements marked for it, as one paragraph."""
        return " ".join(s.text for s in self.statements if s.briefing)

    @property
    def official_counts(self) -> tuple[Statement, ...]:
        """The statements that give a count the partnership published."""
        return tuple(s for s in self.statements if s.count is not None)

    @property
    def sources(self) -> tuple[str, ...]:
        """Each source named, once, in order of first use."""
        return tuple(dict.fromkeys(s.source for s in self.statements))
