"""lawtext stands alone: importing all of it loads no Django and no search library."""

import pkgutil
import subprocess
import sys

import lawtext

FOREIGN = ("django", "rest_framework", "haystack", "whoosh", "jieba", "numpy")


def test_every_module_imports_without_django_or_search_libraries():
    modules = [
        name
        for _, name, _ in pkgutil.walk_packages(lawtext.__path__, "lawtext.")
        if ".tests" not in name
    ]
    assert "lawtext.publication.embedded" in modules  # the walk found the subpackage too
    script = (
        f"import importlib, sys\nfor name in {modules!r}:\n    importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FOREIGN!r}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
