"""refkx.impl, the implementation registry: switching, scope, and the layering it promises.

The published vectors run under each implementation in the area test files; here the registry
itself: `use`/`using`/`active`, REFKX_READABLE, that a switch reaches objects built before it,
that the readable modules never import refkx.fast (nor the library refkx.tools), and that the
import graph of refkx has no cycle.
"""

from __future__ import annotations

import ast
import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from refkx import impl

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "refkx"


def test_active_reports_every_primitive():
    with impl.using("fast"):
        assert impl.active() == {name: "fast" for name in impl.TWINS}
    with impl.using("readable"):
        assert impl.active() == {name: "readable" for name in impl.TWINS}
        assert all(impl.fast(name) is None for name in impl.TWINS)


def test_fast_loads_each_registered_twin():
    with impl.using("fast"):
        for name, module_name in impl.TWINS.items():
            assert impl.fast(name).__name__ == module_name


def test_using_restores_the_previous_choice():
    before = impl.active()
    with impl.using("readable"):
        with impl.using("fast", "gcm"):
            assert impl.active()["gcm"] == "fast"
            assert impl.active()["rsa"] == "readable"
        assert impl.active()["gcm"] == "readable"
    assert impl.active() == before


def test_use_one_primitive(monkeypatch):
    with impl.using("fast"):
        impl.use("readable", "x25519")
        assert impl.fast("x25519") is None and impl.fast("dh") is not None


def test_bad_arguments():
    with pytest.raises(ValueError, match="implementation"):
        impl.use("quick")
    with pytest.raises(ValueError, match="unknown primitive"):
        impl.use("fast", "chacha")
    with pytest.raises(ValueError, match="unknown primitive"):
        with impl.using("fast"):
            impl.fast("chacha")
    with pytest.raises(TypeError):
        impl.register("gcm", 3)


@pytest.mark.parametrize("value, readable", [("1", True), ("true", True), ("YES", True),
                                             ("0", False), ("", False), ("no", False)])
def test_readable_from_environment(monkeypatch, value, readable):
    monkeypatch.setenv("REFKX_READABLE", value)
    assert impl.readable_from_environment() is readable


def test_environment_sets_the_default_in_a_fresh_interpreter():
    code = "from refkx import impl; print(sorted(set(impl.active().values())))"
    for value, expected in (("1", "['readable']"), ("0", "['fast']")):
        env = dict(os.environ, REFKX_READABLE=value)
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.stdout.strip() == expected, out.stderr


def _counting(monkeypatch, module, name):
    """Wrap module.name so that calls are counted; returns the list of calls."""
    calls = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_switch_reaches_aesgcm_objects_built_before_it(monkeypatch):
    from refkx import gcm
    from refkx.fast import gcm as fast_gcm
    with impl.using("fast"):
        aead = gcm.AESGCM(bytes(16))
        sealed = aead.encrypt(bytes(12), b"data", b"")
    readable_calls = _counting(monkeypatch, gcm, "gf_mult")
    fast_calls = _counting(monkeypatch, fast_gcm.FastGCM, "encrypt")
    with impl.using("readable"):
        assert aead.encrypt(bytes(12), b"data", b"") == sealed
    assert readable_calls and not fast_calls
    readable_calls.clear()
    with impl.using("fast"):
        assert aead.encrypt(bytes(12), b"data", b"") == sealed
    assert fast_calls and not readable_calls


def test_a_switch_reaches_x25519_keys_built_before_it(monkeypatch):
    from refkx import x25519
    from refkx.fast import x25519 as fast_x25519
    key = x25519.X25519PrivateKey.from_private_bytes(bytes(range(32)))
    peer = x25519.X25519PrivateKey.from_private_bytes(bytes(range(1, 33))).public_key()
    readable_calls = _counting(monkeypatch, x25519, "x25519")
    fast_calls = _counting(monkeypatch, fast_x25519, "x25519")
    with impl.using("readable"):
        shared = key.exchange(peer)
    assert readable_calls and not fast_calls
    readable_calls.clear()
    with impl.using("fast"):
        assert key.exchange(peer) == shared
    assert fast_calls and not readable_calls


def test_each_primitive_runs_its_twin_only_when_fast(monkeypatch):
    from rsa_keys import cached_key
    from refkx import ctr, dh, rsa_primitives
    from refkx.fast import aes as fast_aes, dh as fast_dh, rsa as fast_rsa
    key = cached_key(1024)
    checks = [
        (fast_aes, "ctr_xor", lambda: ctr.ctr_encrypt(bytes(16), bytes(16), b"x" * 40)),
        (fast_dh, "fixed_base_pow", lambda: dh.DHPrivateKey.generate(dh.FFDHE2048).public_key()),
        (fast_dh, "in_safe_prime_subgroup", lambda: dh.validate_public_value(dh.FFDHE2048, 4)),
        (fast_rsa, "private_operation_fresh_r", lambda: rsa_primitives.rsadp(key, 5)),
    ]
    for module, name, run in checks:
        calls = _counting(monkeypatch, module, name)
        with impl.using("readable"):
            run()
        assert not calls, f"{module.__name__}.{name} ran under readable"
        with impl.using("fast"):
            run()
        assert calls, f"{module.__name__}.{name} did not run under fast"


# --- the layering: module imports, read from the source -----------------------------------------

@functools.lru_cache(maxsize=None)
def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _import_nodes(tree: ast.Module, call_time: bool):
    """Import statements at module level (call_time False) or inside functions (True)."""
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    inside = {id(node) for f in functions for node in ast.walk(f) if node is not f}
    return [node for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom)) and (id(node) in inside) == call_time]


@functools.lru_cache(maxsize=None)
def _imports(name: str, path: Path, call_time: bool | None = None) -> frozenset[str]:
    """refkx modules that `name` imports: anywhere in its source (call_time None), only at
    module level (False), or only inside functions (True)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = ([n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
             if call_time is None else _import_nodes(tree, call_time))
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    modules = _modules()
    return frozenset(m for m in found if m in modules and m != name)


def test_readable_modules_never_import_refkx_fast():
    for name, path in _modules().items():
        if name.startswith(("refkx.fast", "refkx.tools")) or name == "refkx.impl":
            continue
        bad = {m for m in _imports(name, path) if m.startswith("refkx.fast")}
        assert not bad, f"{name} imports {bad}"


def test_the_library_never_imports_refkx_tools():
    for name, path in _modules().items():
        if name.startswith("refkx.tools") or name == "refkx.__main__":
            continue
        bad = {m for m in _imports(name, path) if m.startswith("refkx.tools")}
        assert not bad, f"{name} imports {bad}"


# Imports made inside a function, at call time, that point at a module built on top of the
# importer. Each is deliberate and listed here, so a new one fails the test below:
# the pyca-shaped key methods private_bytes/public_bytes delegate to the key-file layer
# (refkx.serialization), which itself builds on the key classes.
CALL_TIME_IMPORTS = {
    ("refkx.rsa", "refkx.serialization"),
    ("refkx.montgomery", "refkx.serialization"),
    ("refkx.mlkem", "refkx.serialization"),
}


def test_call_time_imports_are_the_documented_ones():
    modules = _modules()
    for name, path in modules.items():
        if name.startswith("refkx.tools") or name == "refkx.__main__":
            continue
        for dep in _imports(name, path, call_time=True) - _imports(name, path, call_time=False):
            if name in _imports(dep, modules[dep]) or (name, dep) in CALL_TIME_IMPORTS:
                assert (name, dep) in CALL_TIME_IMPORTS, f"undocumented call-time import {name} -> {dep}"


def test_the_import_graph_has_no_cycle():
    """No cycle among module-level imports; the call-time ones are listed above."""
    modules = _modules()
    graph = {name: {m for m in _imports(name, path, call_time=False) if m != "refkx"}
             for name, path in modules.items()}
    # a package's __init__ is imported with its submodules; drop those edges
    graph = {name: {m for m in deps if not name.startswith(m + ".")} for name, deps in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(dep):] + [dep]))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)
