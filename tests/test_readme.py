"""README.md's python blocks run as shown, and what README says about the tests matches them."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def test_readme_has_library_examples():
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index):
    exec(compile(BLOCKS[index], f"README.md python block {index + 1}", "exec"), {})


def _slow_paragraph() -> str:
    start = README.index("Slow tests")
    return README[start:README.index("\n\n", start)]


def test_readme_lists_every_slow_marker():
    """Every test file with a slow marker and every vector area with slow cases is named in
    README's sentence on --slow (and nothing else is)."""
    paragraph = _slow_paragraph()
    marked = {path.name for path in (ROOT / "tests").glob("test_*.py")
              if re.search(r"mark\.slow|slow=True", path.read_text())
              and path.name not in ("test_cli.py", "test_cli_newcomer.py", "test_readme.py")}
    areas = {path.stem for path in (ROOT / "refkx" / "kat").glob("*.py")
             if re.search(r"slow=(?!False)", path.read_text())}
    named = set(re.findall(r"`(test_\w+\.py)`", paragraph))
    named_areas = set(re.findall(r"`vectors --only (\w+)`", paragraph))
    assert named == marked, paragraph
    assert named_areas == areas, paragraph
