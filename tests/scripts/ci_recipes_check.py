#!/usr/bin/env python3
"""Checks the CI recipes in docs/ci/ against meshverify and the scripts they call.

    ci_recipes_check.py SOURCE_DIR MESHVERIFY_BINARY WORK_DIR [MESH_OUT]

MESH_OUT is a directory `scripts/mesh/up.sh --dry-run --out MESH_OUT` wrote already (it takes
seconds); without it the checker runs that itself, once.

- both YAML files parse, and have the shape their CI reads (GitHub: steps, the JUnit test
  report, the step summary, teardown on always(); GitLab: artifacts:reports:junit, when: always);
- every `meshverify COMMAND --flag` in their shell is a command of `meshverify --help` and a
  flag of `meshverify COMMAND --help`; every scripts/*.sh they run exists and knows its flags;
- the recipes' own `meshverify check` line, run with --dry-run against the mesh.yaml that
  `scripts/mesh/up.sh --dry-run` writes, is accepted by the binary;
- the exit-code gate, run as the CI runs it (bash -eo pipefail) with a fake meshverify that
  exits 0, 1, 2, 3, 4 or 130, fails the job exactly on FAIL_ON's codes and on 2 and 130.
Prints one line per problem and exits 1 if there is any.
"""

import os
import re
import shlex
import stat
import subprocess
import sys

import yaml

OPERATORS = {"|", "||", "&&", ";", "&", "(", ")", "<", ">", ">>", "<(", "$("}
problems = []


def problem(msg):
    problems.append(msg)
    print(f"FAIL: {msg}")


def logical_lines(script):
    return script.replace("\\\n", " ").splitlines()


def tokens(line):
    lex = shlex.shlex(line, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    lex.commenters = "#"
    try:
        return list(lex)
    except ValueError:
        return []


def invocations(script, program):
    """Each run of `program` (or `kubectl program`) in script: its argument words."""
    found = []
    for line in logical_lines(script):
        words = tokens(line)
        for i, w in enumerate(words):
            if os.path.basename(w) != program:
                continue
            if i > 0 and words[i - 1] not in OPERATORS and words[i - 1] not in ("kubectl", "sudo"):
                continue  # an argument, e.g. `dpkg -r meshverify`
            args = []
            for a in words[i + 1:]:
                if a in OPERATORS:
                    break
                args.append(a)
            found.append(args)
    return found


def help_flags(text):
    flags = set()
    for m in re.finditer(r"^  (?:-(\w) \[ --([\w-]+) \]|--([\w-]+)|-(\w))", text, re.MULTILINE):
        flags.update("-" + m.group(g) if g in (1, 4) else "--" + m.group(g)
                     for g in (1, 2, 3, 4) if m.group(g))
    return flags


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, **kw)


def check_meshverify_words(recipe, scripts, binary):
    top = run([binary, "--help"]).stdout
    commands = re.findall(r"^  ([a-z][\w-]*)\s{2,}", top.split("commands:", 1)[-1], re.M)
    used = 0
    for script in scripts:
        for args in invocations(script, "meshverify"):
            if not args:
                problem(f"{recipe}: bare `meshverify` (no command)")
                continue
            cmd = args[0]
            if cmd not in commands:
                problem(f"{recipe}: meshverify {cmd}: not a command of meshverify --help")
                continue
            known = help_flags(run([binary, cmd, "--help"]).stdout)
            for a in args[1:]:
                if a == "--":
                    break
                if a.startswith("-") and a.split("=", 1)[0] not in known:
                    problem(f"{recipe}: meshverify {cmd} {a}: not in meshverify {cmd} --help")
            used += 1
    if used == 0:
        problem(f"{recipe}: runs no meshverify command")


def check_scripts(recipe, scripts, src):
    for script in scripts:
        for line in logical_lines(script):
            words = tokens(line)
            for i, w in enumerate(words):
                if not re.fullmatch(r"scripts/[\w/.-]+\.sh", w):
                    continue
                path = os.path.join(src, w)
                if not os.access(path, os.X_OK):
                    problem(f"{recipe}: {w} is not an executable script of the repository")
                    continue
                text = open(path).read()
                for a in words[i + 1:]:
                    if a in OPERATORS:
                        break
                    if a.startswith("--") and a.split("=", 1)[0] not in text:
                        problem(f"{recipe}: {w} {a}: the script does not know this flag")


def mesh_dry_run(work):
    """The directory up.sh --dry-run wrote (MESH_OUT, or made here once), or None."""
    global MESH_OUT
    if MESH_OUT is None:
        MESH_OUT = os.path.join(work, "mesh-out")
        r = run([os.path.join(SRC, "scripts/mesh/up.sh"), "--dry-run", "--out", MESH_OUT])
        if r.returncode != 0:
            problem(f"scripts/mesh/up.sh --dry-run: exit {r.returncode}: {r.stderr[-300:]}")
            MESH_OUT = ""
    return MESH_OUT or None


def check_dry_run(recipe, check_script, binary, work):
    """The recipe's `meshverify check` line, with --dry-run, on up.sh's dry-run mesh.yaml."""
    mesh_out = mesh_dry_run(work)
    if mesh_out is None:
        return
    if not os.path.isfile(os.path.join(mesh_out, "mesh.yaml")):
        problem(f"scripts/mesh/up.sh --dry-run wrote no mesh.yaml in {mesh_out}")
        return
    for args in invocations(check_script, "meshverify"):
        if args[:1] != ["check"]:
            continue
        if "scripts/mesh/out/mesh.yaml" not in args:
            problem(f"{recipe}: meshverify check does not read up.sh's scripts/mesh/out/mesh.yaml")
        argv = [binary] + [os.path.join(mesh_out, "mesh.yaml")
                           if a == "scripts/mesh/out/mesh.yaml"
                           else os.path.join(work, os.path.basename(a)) if a.startswith("$")
                           else a for a in args] + ["--dry-run"]
        r = run(argv, cwd=work)
        if r.returncode != 0:
            problem(f"{recipe}: {' '.join(args)} --dry-run: exit {r.returncode}: {r.stderr.strip()}")


def check_gate(recipe, check_script, work, extra_env):
    """Runs the gate with a fake meshverify for every exit code and FAIL_ON."""
    fake_dir = os.path.join(work, "fakebin")
    os.makedirs(fake_dir, exist_ok=True)
    fake = os.path.join(fake_dir, "meshverify")
    with open(fake, "w") as f:
        f.write('#!/bin/sh\nprintf "%s\\n" "$@" > "$FAKE_ARGS"\nexit "$FAKE_RC"\n')
    os.chmod(fake, os.stat(fake).st_mode | stat.S_IEXEC)
    for fail_on in ("1 3 4", "1", "1 3", ""):
        for rc in (0, 1, 2, 3, 4, 130):
            want = rc if rc in (2, 130) or str(rc) in fail_on.split() else 0
            env = dict(os.environ, PATH=fake_dir + ":" + os.environ["PATH"], FAIL_ON=fail_on,
                       FAKE_RC=str(rc), FAKE_ARGS=os.path.join(work, "args"), **extra_env)
            r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                                check_script], env=env, cwd=work, capture_output=True, text=True,
                               timeout=30)
            if r.returncode != want:
                problem(f"{recipe}: gate with FAIL_ON='{fail_on}', meshverify exit {rc}: "
                        f"job exit {r.returncode}, want {want}")
            if want == 0 and rc != 0 and "warn" not in r.stdout.lower():
                problem(f"{recipe}: exit {rc} tolerated without a warning")
    args = open(os.path.join(work, "args")).read().split("\n")
    return args


def steps_of(workflow):
    return [s for job in workflow["jobs"].values() for s in job.get("steps", [])]


def check_github(path, binary, work):
    wf = yaml.safe_load(open(path))
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare `on` key as true
    default = on["workflow_dispatch"]["inputs"]["fail_on"]["default"]
    if default != "1 3 4":
        problem(f"github: fail_on default is '{default}'")
    if wf.get("permissions", {}).get("checks") != "write":
        problem("github: the test report needs permissions: checks: write")
    job = next(iter(wf["jobs"].values()))
    if "inputs.fail_on" not in job["env"]["FAIL_ON"] or f"'{default}'" not in job["env"]["FAIL_ON"]:
        problem(f"github: FAIL_ON is not the input with its default: {job['env']['FAIL_ON']}")
    steps = steps_of(wf)
    runs = [s.get("run", "") for s in steps]
    up = next((i for i, r in enumerate(runs) if "scripts/mesh/up.sh" in r), None)
    check = next((i for i, r in enumerate(runs) if any(
        a[:1] == ["check"] for a in invocations(r, "meshverify"))), None)
    if up is None or check is None or up > check:
        problem("github: no scripts/mesh/up.sh step before the meshverify check step")
        return
    check_run = runs[check]
    if "${{" in check_run:
        problem("github: the check step's shell uses ${{ }}: pass values through env")
    args = next(a for a in invocations(check_run, "meshverify") if a[:1] == ["check"])
    junit = args[args.index("--junit") + 1] if "--junit" in args else None
    if "--markdown" not in args or args[args.index("--markdown") + 1] != "$GITHUB_STEP_SUMMARY":
        problem('github: meshverify check has no --markdown "$GITHUB_STEP_SUMMARY"')
    report = [s for s in steps[check + 1:] if "junit" in s.get("uses", "")]
    if not junit or not report or report[0].get("with", {}).get("report_paths") != junit:
        problem(f"github: no JUnit test report step reading --junit {junit}")
    elif "cancelled()" not in str(report[0].get("if", "")) and "always()" not in str(
            report[0].get("if", "")):
        problem("github: the test report step does not run after a failed check")
    down = [s for s in steps[check + 1:] if "scripts/mesh/down.sh" in s.get("run", "")]
    if not down or "always()" not in str(down[0].get("if", "")):
        problem("github: no scripts/mesh/down.sh step with if: always()")
    check_meshverify_words("github", runs, binary)
    check_scripts("github", runs, SRC)
    check_dry_run("github", check_run, binary, work)
    summary = os.path.join(work, "summary.md")
    got = check_gate("github", check_run, work, {"GITHUB_STEP_SUMMARY": summary})
    if summary not in got:
        problem(f"github: --markdown did not get $GITHUB_STEP_SUMMARY: {got}")


def check_gitlab(path, binary, work):
    ci = yaml.safe_load(open(path))
    if ci.get("variables", {}).get("FAIL_ON") != "1 3 4":
        problem("gitlab: variables: FAIL_ON is not '1 3 4'")
    jobs = {k: v for k, v in ci.items() if isinstance(v, dict) and "script" in v}
    if not jobs:
        problem("gitlab: no job")
        return
    job = next(iter(jobs.values()))
    parts = {k: "\n".join(job.get(k, [])) for k in ("before_script", "script", "after_script")}
    if "scripts/mesh/up.sh" not in parts["before_script"]:
        problem("gitlab: before_script does not bring the mesh up with scripts/mesh/up.sh")
    if "scripts/mesh/down.sh" not in parts["after_script"]:
        problem("gitlab: after_script does not take the mesh down")
    args = next((a for a in invocations(parts["script"], "meshverify") if a[:1] == ["check"]), None)
    if args is None:
        problem("gitlab: script runs no meshverify check")
        return
    junit = args[args.index("--junit") + 1] if "--junit" in args else None
    art = job.get("artifacts", {})
    if not junit or art.get("reports", {}).get("junit") != junit:
        problem(f"gitlab: artifacts:reports:junit is not the --junit file {junit}")
    if art.get("when") != "always":
        problem("gitlab: artifacts are not kept when the job fails (when: always)")
    scripts = list(parts.values())
    check_meshverify_words("gitlab", scripts, binary)
    check_scripts("gitlab", scripts, SRC)
    check_dry_run("gitlab", parts["script"], binary, work)
    check_gate("gitlab", parts["script"], work, {})


MESH_OUT = None


def main():
    global SRC, MESH_OUT
    SRC, binary, work = sys.argv[1:4]
    binary = os.path.abspath(binary)
    if len(sys.argv) > 4:
        MESH_OUT = sys.argv[4]
    for name, fn in (("github-actions.yml", check_github), ("gitlab-ci.yml", check_gitlab)):
        path = os.path.join(SRC, "docs/ci", name)
        before = len(problems)
        try:
            fn(path, binary, work)
        except (OSError, yaml.YAMLError, KeyError, TypeError, StopIteration) as e:
            problem(f"{name}: {type(e).__name__}: {e}")
        print(f"{name}: {'checked' if len(problems) == before else 'problems above'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
