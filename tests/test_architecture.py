"""The package's layout: each stage imports only the stages below it, and no module imports itself in a cycle."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "eig_qa"

# Lower numbers sit lower in the pipeline; a module may import only from its own layer or a lower one.
LAYERS = {
    "errors": 0, "config": 0, "french": 0, "tuning": 0,
    "ingest": 1, "figures": 1,
    "search": 2,
    "answer": 3,
    "assistant": 4,
    "app": 5,
    "evaluation": 6, "bench": 6, "cli": 7, "__main__": 8,
}


def _unit(module: str) -> str:
    """The stage a dotted module name belongs to: its first component below eig_qa."""
    return module.split(".")[1] if module.count(".") else module


def _imports(path: Path) -> set[str]:
    """The eig_qa modules a source file imports, at run time or for type checking alike."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("eig_qa"):
            names.add(node.module if node.module != "eig_qa" else f"eig_qa.{node.names[0].name}")
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.startswith("eig_qa"))
    return names


def _modules() -> dict[str, Path]:
    return {".".join(("eig_qa", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__"): path
            for path in PACKAGE.rglob("*.py")}


def test_every_stage_has_a_layer():
    assert {_unit(name) for name in _modules() if name != "eig_qa"} <= set(LAYERS)


def test_imports_point_down_the_pipeline():
    upward = []
    for name, path in _modules().items():
        if name == "eig_qa":
            continue
        for imported in _imports(path):
            if LAYERS[_unit(imported)] > LAYERS[_unit(name)]:
                upward.append(f"{name} -> {imported}")
    assert upward == []


def test_no_import_cycle():
    modules = _modules()
    graph = {name: {i for i in _imports(path) if i in modules} for name, path in modules.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for nxt in graph[name]:
            assert state.get(nxt) != 1, " -> ".join([*trail, name, nxt])
            if nxt not in state:
                visit(nxt, [*trail, name])
        state[name] = 2

    for name in graph:
        if name not in state:
            visit(name, [])
