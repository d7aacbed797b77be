"""What the validator reports: one `DataIssue` per problem, collected into one `DataError`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DataIssue:
    """A problem found in a data file, located to its line and column (both 1-based)."""

    file: str
    line: int
    column: int
    message: str
    value: object = None
    hint: str = ""
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        extra = []
        if self.value is not None:
            extra.append(f"got {_show(self.value)}")
        if self.hint:
            extra.append(self.hint)
        tail = f" ({'; '.join(extra)})" if extra else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.column}: {prefix}{self.message}{tail}"


def _show(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return "'" + text.replace("'", "\\'") + "'" if isinstance(value, str) else text


class DataError(ValueError):
    """The data files did not validate; nothing was loaded. ``issues`` lists every problem."""

    def __init__(self, issues: list[DataIssue]):
        self.issues = [i for i in issues if i.severity == "error"]
        self.warnings = [i for i in issues if i.severity != "error"]
        n = len(self.issues)
        lines = [f"{n} error{'s' if n != 1 else ''} in the data files; nothing was loaded:"]
        lines += [f"  {i}" for i in self.issues]
        super().__init__("\n".join(lines))
