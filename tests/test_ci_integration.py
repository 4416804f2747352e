"""CI integration for real: the pre-commit hook through `pre-commit try-repo`, and the GitHub
Action's own shell steps run on a temporary repository as a pull request would run them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import docbuild
import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
BIN = Path(sys.executable).parent
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _env(tmp_path: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(GIT_ENV)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # the cdcheck under test
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env.update(extra)
    return env


def _git(cwd: Path, *args: str, env: dict) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def _statements_repo(path: Path, env: dict) -> Path:
    path.mkdir()
    _git(path, "init", "-q", env=env)
    (path / "statements").mkdir()
    (path / "statements" / "ngo.txt").write_text(docbuild.GUIDE_NOT_ALLOWED_1 + "\n",
                                                 encoding="utf-8")
    (path / "statements" / "work.docx").write_bytes(docbuild.docx_bytes(
        ["Our programme trains judges in Ghana."]))
    (path / "notes.odt").write_bytes(b"not a statement")
    _git(path, "add", "-A", env=env)
    _git(path, "commit", "-q", "-m", "statements", env=env)
    return path


def _hook_repo(tmp_path: Path, env: dict) -> Path:
    """This repository; or, while .pre-commit-hooks.yaml is not committed yet (try-repo only
    sees tracked files), a one-commit repository holding a copy of it."""
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", ".pre-commit-hooks.yaml"],
                             cwd=ROOT, env=env, capture_output=True).returncode == 0
    if tracked:
        return ROOT
    hooks = tmp_path / "hook-repo"
    hooks.mkdir()
    shutil.copy(ROOT / ".pre-commit-hooks.yaml", hooks)
    _git(hooks, "init", "-q", env=env)
    _git(hooks, "add", "-A", env=env)
    _git(hooks, "commit", "-q", "-m", "hooks", env=env)
    return hooks


def test_the_docs_the_hook_and_action_point_to_exist_and_the_documented_rev_resolves():
    import re

    for name in (".pre-commit-hooks.yaml", "action.yml"):
        for doc in re.findall(r"docs/[\w./-]+\.md", (ROOT / name).read_text(encoding="utf-8")):
            assert (ROOT / doc).is_file(), f"{name} points to {doc}"
    docs = (ROOT / "docs" / "documents.md").read_text(encoding="utf-8")
    (rev,) = re.findall(r"^\s+rev: (\S+)", docs, flags=re.M)
    (action,) = re.findall(r"uses: [\w-]+/cdcheck@(\S+)", docs)
    for what, ref in (("the pre-commit snippet's rev", rev), ("the action snippet's ref", action)):
        known = [subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{r}^{{commit}}"],
                                cwd=ROOT, capture_output=True, text=True).returncode == 0
                 for r in (ref, f"origin/{ref}")]
        assert any(known), f"{what} {ref!r} is no branch or tag here"


def test_hook_manifest_is_valid():
    manifest = ROOT / ".pre-commit-hooks.yaml"
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest",
                           str(manifest)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (hook,) = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    assert hook["id"] == "cdcheck" and hook["require_serial"] is True
    assert "--force-exclude" in hook["entry"]


@pytest.mark.slow
def test_pre_commit_try_repo_fails_on_a_violation_and_passes_once_accepted(tmp_path):
    env = _env(tmp_path)
    repo = _statements_repo(tmp_path / "statements-repo", env)
    hooks = _hook_repo(tmp_path, env)
    cmd = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "cdcheck", "--all-files"]
    t = time.perf_counter()
    first = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True)
    out = first.stdout + first.stderr
    assert first.returncode == 1, out
    assert "Failed" in out and "statements/ngo.txt:" in out and "error blame X" in out
    assert "notes.odt" not in out  # not a statement type: never passed to the hook

    stmt = repo / "statements" / "ngo.txt"
    stmt.write_text('<!-- cdcheck: allow-file X "quoted from the Participation Guide" -->\n'
                    + stmt.read_text(encoding="utf-8"), encoding="utf-8")
    _git(repo, "add", "-A", env=env)
    second = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True)
    out = second.stdout + second.stderr
    assert second.returncode == 0, out
    assert "Passed" in out
    print(f"pre-commit try-repo, two runs: {time.perf_counter() - t:.1f} s")


def test_action_metadata_is_valid_for_github():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    schema = json.loads((DATA / "github-action.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(action)
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    install = next(s for s in steps if "Install" in s.get("name", ""))
    assert install["run"].index("torch==2.13.0") < install["run"].index("ACTION_PATH")
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert all("shell" in s for s in steps if "run" in s)


def _step(action: dict, step_id: str) -> str:
    return next(s for s in action["runs"]["steps"] if s.get("id") == step_id)["run"]


def _run_step(script: str, env: dict, cwd: Path, tmp_path: Path) -> tuple[int, str, dict]:
    """A composite step's script as GitHub runs it (bash -eo pipefail), with its outputs."""
    out_file = tmp_path / f"github-output-{time.monotonic_ns()}"
    out_file.write_text("")
    path = tmp_path / "step.sh"
    path.write_text(script, encoding="utf-8")
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(path)],
                          cwd=cwd, env={**env, "GITHUB_OUTPUT": str(out_file),
                                        "RUNNER_TEMP": str(tmp_path)},
                          capture_output=True, text=True)
    outputs = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if line)
    return proc.returncode, proc.stdout + proc.stderr, outputs


@pytest.mark.slow
def test_action_steps_check_only_changed_statements_of_a_pull_request(tmp_path):
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    env = _env(tmp_path)
    repo = _statements_repo(tmp_path / "pr-repo", env)
    base = _git(repo, "rev-parse", "HEAD", env=env).strip()
    (repo / "statements" / "new draft.md").write_text(
        "# New\n\n" + docbuild.GUIDE_NOT_ALLOWED_1 + "\n", encoding="utf-8")
    (repo / "statements" / "work.docx").write_bytes(docbuild.docx_bytes(
        ["Our programme trains prosecutors in Ghana."]))
    _git(repo, "add", "-A", env=env)
    _git(repo, "commit", "-q", "-m", "change", env=env)

    code, log, files = _run_step(_step(action, "files"), {
        **env, "CHANGED_ONLY": "true", "EVENT": "pull_request", "PR_BASE": base,
        "PUSH_BEFORE": "", "PATHS": "."}, repo, tmp_path)
    assert code == 0, log
    assert files["mode"] == "changed" and files["count"] == "2"
    listed = Path(files["list"]).read_text().split("\0")
    assert sorted(p for p in listed if p) == ["statements/new draft.md", "statements/work.docx"]

    sarif = tmp_path / "out.sarif"
    code, log, outputs = _run_step(_step(action, "check"), {
        **env, "LIST": files["list"], "FAIL_ON": "violation", "SPEAKER": "",
        "SARIF": str(sarif)}, repo, tmp_path)
    assert code == 0, log  # the step records cdcheck's exit code; a later step fails the job
    assert outputs["exit-code"] == "1" and outputs["sarif-file"] == str(sarif)
    run = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]}
    assert uris == {"statements/new%20draft.md"}  # ngo.txt did not change: not checked
    assert "::error file=statements/new draft.md,line=3::blame: " in log
