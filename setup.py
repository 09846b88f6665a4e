"""Ship the top-level ``rules/`` tree inside the wheel as ``prevention_engine/rules``.

The YAML lives at the repository root so that clinicians find it without digging into the
package; at build time it is copied next to the code so that ``Engine.default()`` works from
an installed wheel too.

Optional compiled build (as black ships): with ``PREVENTION_ENGINE_MYPYC=1`` (and mypy, which
carries mypyc, and a C compiler), the pure modules of ``MYPYC_MODULES`` are compiled by mypyc
from the same source; the output is the same, and without the variable nothing is compiled
(the pure-Python package). ``scripts/build_mypyc.sh`` builds them in place in a checkout; a
compiled wheel: ``PREVENTION_ENGINE_MYPYC=1 python -m build --wheel --no-isolation``.
"""

import os
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


#: The modules of the evaluation that hold no pydantic model and are never patched: dates,
#: predicates, statuses, item gates, rule kinds, product resolution, the wording. Not a
#: package's ``__init__`` (the series kind's, compiled, could not import its submodules: its
#: planning lives in ``planning.py``, and the ``__init__`` only registers the kind; the
#: wording's sentences live in ``sentences.py``), nor the models (agenda, profile), the engine
#: (weakly referenced by the conformance runner), the loader and the adapters: they stay
#: interpreted, except the compact output's pieces (``agenda_parts``, ``compact``: the batch
#: parent's share of the work, 51 -> 35 us per person compiled).
MYPYC_MODULES = [
    "prevention_engine/dates.py",
    "prevention_engine/conditions.py",
    "prevention_engine/gate.py",
    "prevention_engine/status.py",
    "prevention_engine/findings.py",
    "prevention_engine/schedule.py",
    "prevention_engine/context.py",
    "prevention_engine/overlaps.py",
    "prevention_engine/precautions.py",
    "prevention_engine/recommendation_start.py",
    "prevention_engine/notifications.py",
    "prevention_engine/rows.py",
    "prevention_engine/items.py",
    "prevention_engine/kinds/series/evaluation.py",
    "prevention_engine/kinds/series/selection.py",
    "prevention_engine/kinds/series/planning.py",
    # the series rules' values (doses, ages, intervals), read by every dose's evaluation:
    # native classes, about 5 % more agendas per second compiled (``calendar/model.py`` and
    # ``kinds/base.py`` cannot be: a generic slotted class, a class attribute's default)
    "prevention_engine/kinds/series/spec.py",
    "prevention_engine/kinds/window.py",
    "prevention_engine/kinds/recurring.py",
    "prevention_engine/kinds/campaign.py",
    "prevention_engine/kinds/monitoring.py",
    "prevention_engine/kinds/score.py",
    "prevention_engine/kinds/growth.py",
    "prevention_engine/kinds/advice.py",
    "prevention_engine/kinds/record.py",
    "prevention_engine/products.py",
    "prevention_engine/notices.py",
    "prevention_engine/gestation.py",
    "prevention_engine/wording/params.py",
    "prevention_engine/wording/trace.py",
    "prevention_engine/wording/chronic.py",
    "prevention_engine/wording/sentences.py",
    "prevention_engine/agenda_parts.py",
    "prevention_engine/compact.py",
]


def _compiled() -> list:
    if os.environ.get("PREVENTION_ENGINE_MYPYC") != "1":
        return []
    from mypyc.build import mypycify

    # The shared library inside the package (not a top-level module of its own), its C code
    # in one file per module so that ``build_ext --parallel`` compiles them at once (one file:
    # about 2m50 on two slow cores; split: 1m50, the same agendas per second). With a dotted
    # group name mypyc writes the group's header under build/prevention_engine but does not
    # put that folder on the include path.
    exts = mypycify(MYPYC_MODULES, opt_level="3", group_name="prevention_engine.compiled",
                    multi_file=True)
    for ext in exts:
        ext.include_dirs.append(os.path.join("build", "prevention_engine"))
    return exts


setup(cmdclass={"build_py": BuildWithRules}, ext_modules=_compiled())
