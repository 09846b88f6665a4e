"""Ship the top-level ``rules/`` tree inside the wheel as ``prevention_engine/rules``.

The YAML lives at the repository root so that clinicians find it without digging into the
package; at build time it is copied next to the code so that ``Engine.default()`` works from
an installed wheel too.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithRules(build_py):
    def run(self) -> None:
        super().run()
        src = Path(__file__).parent / "rules"
        dst = Path(self.build_lib) / "prevention_engine" / "rules"
        if src.is_dir():
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))


setup(cmdclass={"build_py": BuildWithRules})
