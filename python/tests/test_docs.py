"""The README's model reference is generated from the model tables (make docs): it must match."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_readme_model_reference_is_current():
    exe = pathlib.Path(os.environ.get("SG_BUILD", ROOT / "build")) / "examples" / "model_docs"
    if not exe.exists():
        pytest.fail(f"{exe} missing: run make first")
    tables = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    readme = (ROOT / "README.md").read_text()
    begin, end = "<!-- models:begin -->", "<!-- models:end -->"
    section = readme[readme.index(begin) + len(begin):readme.index(end)]
    assert section.strip() == tables.strip(), "README model reference is stale: run `make docs`"
    assert "#### `gl_exp` (neuron)" in tables and "| `tau_m` |" in tables


def test_readme_shows_the_one_line_migration():
    """Issue 21: the README shows how a PyNEST script moves to spikegpu (one import line)."""
    readme = (ROOT / "README.md").read_text()
    i = readme.index("### A PyNEST script: change one line")
    block = readme[i:i + 400]
    assert "import nest " in block and "import spikegpu.nest as nest" in block
    assert "import spikegpu.nest as nest" in (ROOT / "python" / "README.md").read_text()
