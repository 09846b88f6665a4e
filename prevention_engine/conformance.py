"""CDC CDSi conformance runner (issue 4): not built yet; the command says so and fails."""

from __future__ import annotations

import argparse
import sys


def run_cdsi_cli(args: argparse.Namespace) -> int:
    print("error: the CDSi conformance runner is not available in this version", file=sys.stderr)
    return 1
