"""`make audit`: known vulnerabilities of the pinned requirements, with pip-audit (run from its own environment).

Exit 0 when nothing is known to be vulnerable, and also when the audit cannot be done for lack of network
(no vulnerability service reachable): it says so, in French, and does not fail the build. Exit 1 when a
dependency has a known vulnerability. pip-audit answers "No known vulnerabilities found" even when it could
check none of the dependencies (every one "not found on PyPI"): such a run is reported as not done.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

AUDIT_SECONDS = 1800
NETWORK_WORDS = ("Name or service not known", "Temporary failure in name resolution", "Network is unreachable",
                 "Max retries exceeded", "ConnectionError", "timed out", "No matching distribution")


def run_pip_audit(requirements: Path) -> tuple[dict | None, str]:
    """pip-audit's JSON report, or None and its error output."""
    command = [sys.executable, "-m", "pip_audit", "-r", str(requirements), "-f", "json",
               "--progress-spinner", "off", "--desc", "off"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=AUDIT_SECONDS, check=False)
    try:
        return json.loads(result.stdout), result.stderr
    except ValueError:
        return None, result.stderr or result.stdout


def main(argv: list[str]) -> int:
    requirements = Path(argv[1] if len(argv) > 1 else "requirements.txt")
    report, errors = run_pip_audit(requirements)
    if report is None:
        if any(word in errors for word in NETWORK_WORDS):
            print(f"Audit des dépendances NON EFFECTUÉ (réseau) :\n{errors.strip()[-2000:]}")
            return 0
        print(f"pip-audit a échoué :\n{errors.strip()[-4000:]}")
        return 2
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    vulnerable = [d for d in audited if d.get("vulns")]
    print(f"Audit des dépendances : {len(audited)} paquet(s) vérifié(s), {len(skipped)} non vérifié(s), "
          f"{len(vulnerable)} avec une vulnérabilité connue.")
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "aucune"
            print(f"  VULNÉRABLE {dependency['name']} {dependency['version']} : {vuln['id']} "
                  f"(corrigé dans : {fixes})")
    for dependency in skipped:
        print(f"  non vérifié : {dependency['name']} — {dependency['skip_reason']}")
    if vulnerable:
        return 1
    if not audited:
        print("Audit NON CONCLUANT : aucune dépendance n'a pu être vérifiée (voir ci-dessus).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
