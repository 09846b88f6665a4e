"""Tools for the clinicians who review the rule files: a readable document of every item
(``render``), what changed between two versions (``diff``) and the checks a loader cannot make
(``lint``). Adapters: they read the YAML files and are never imported by the core."""
