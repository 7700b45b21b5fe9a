#!/usr/bin/env python3
"""Writes meshverify's man page and bash completion from the built binary's help texts.

Run at build time (CMakeLists.txt, after meshverify links):

    help_docs.py --binary build/meshverify --man meshverify.1 --completion meshverify.bash

It asks the binary itself: `meshverify --help` lists the commands (the lines under
"commands:"), `meshverify COMMAND --help` gives each command's usage, text and options in
Boost.Program_options' layout. Nothing is kept by hand here, so a command or flag added to
the binary is in the man page and the completion after the next build, and one removed is
gone. Fails (exit 1, one line naming the command) when a help text cannot be read or names
no commands, so a broken help breaks the build instead of shipping an empty page.
"""

import argparse
import datetime
import gzip
import os
import re
import subprocess
import sys

OPTION = re.compile(
    r"^  (?:-(?P<short>\w) \[ --(?P<long1>[\w-]+) \]|--(?P<long2>[\w-]+)|-(?P<short2>\w))"
    r"(?: (?P<arg>[^\s(][^\s]*))?(?: \(=(?P<default>[^)]*)\))?"
    r"(?:(?:(?<=\))\s+|\s{2,})(?P<desc>.*))?$")  # after "(=default)" one space is enough
COMMAND = re.compile(r"^  (?P<name>[a-z][\w-]*)\s{2,}(?P<summary>.*\S)\s*$")
CHOICES = re.compile(r"(?:^|[\s:])((?:[a-z][\w.-]* ?\| ?)+[a-z][\w.-]*)\s*$")
HEADING = re.compile(r"^[\w ]*options:$", re.IGNORECASE)


class HelpError(Exception):
    pass


def run_help(binary, *args):
    try:
        p = subprocess.run([binary, *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise HelpError(f"{binary} {' '.join(args)}: {e}")
    if p.returncode != 0:
        raise HelpError(f"{binary} {' '.join(args)}: exit code {p.returncode}: "
                        f"{p.stderr.strip()[:200]}")
    return p.stdout


class Option:
    def __init__(self, m):
        self.short = m.group("short") or m.group("short2")
        self.long = m.group("long1") or m.group("long2")
        self.arg = m.group("arg")
        self.default = m.group("default")
        self.desc = (m.group("desc") or "").strip()

    def names(self):
        return [n for n in (self.short and "-" + self.short,
                            self.long and "--" + self.long) if n]

    def value_kind(self):
        """What the option's value is, for completion: none, file, context or choices."""
        if not self.arg:
            return "none"
        m = CHOICES.search(self.desc)
        if m:
            return "choice " + " ".join(w.strip() for w in m.group(1).split("|"))
        if self.long == "context":
            return "context"
        text = self.arg + " " + self.desc
        if re.search(r"\b(FILE|PATH|DIR)\b", text) or re.search(r"\.(ya?ml|json)\b", text):
            return "file"
        return "any"


class Command:
    """One command's help, split into usage lines, text paragraphs and options."""

    def __init__(self, name, summary, text):
        self.name, self.summary = name, summary
        self.usage, self.blocks, self.options = [], [], []
        usage = re.compile(r"^(?:usage:\s*)?meshverify\s+" + re.escape(name) + r"\b(.*?):?\s*$",
                           re.IGNORECASE)
        para = []
        in_options = False  # the line before was an option or its wrapped description

        def flush():
            if para:
                self.blocks.append(list(para))
                para.clear()

        desc_column = 0  # where Boost starts descriptions in this help (set by the first option)
        for line in text.splitlines():
            line = line.rstrip()
            m = OPTION.match(line)
            if not m and desc_column and line.startswith("  -") and len(line) > desc_column:
                # An option exactly as wide as the column: Boost leaves one space before its
                # description. Read the option part alone, then the description.
                head = OPTION.match(line[:desc_column].rstrip())
                if head and head.group("desc") is None and line[desc_column - 1] == " ":
                    m = OPTION.match(line[:desc_column].rstrip() + "  " + line[desc_column:])
            if m and m.group("desc") is not None and not desc_column:
                desc_column = m.start("desc")
            if m:
                flush()
                self.options.append(Option(m))
                in_options = True
            elif in_options and line.startswith("   "):
                # A wrapped option description, or one pushed to the next line.
                o = self.options[-1]
                o.desc = (o.desc + " " + line.strip()).strip()
            elif not line.strip():
                flush()
                in_options = False
            elif HEADING.match(line.strip()):
                flush()
                in_options = False
            elif usage.match(line) and not (para or self.blocks or self.options):
                self.usage.append("meshverify " + name + usage.match(line).group(1).rstrip(":"))
                in_options = False
            else:
                para.append(line)
                in_options = False
        flush()
        self.blocks = [b for b in self.blocks if b]
        if not self.usage:
            self.usage.append(f"meshverify {name} [options]")

    def takes_files(self):
        return any(re.search(r"FILE", u) for u in self.usage)


def read_binary(binary):
    top = run_help(binary, "--help")
    commands, lines, in_list = [], top.splitlines(), False
    rest = []
    for line in lines:
        if re.match(r"^commands:\s*$", line, re.IGNORECASE):
            in_list = True
            continue
        m = COMMAND.match(line)
        if in_list and m:
            commands.append((m.group("name"), m.group("summary")))
            continue
        if in_list and not line.strip():
            in_list = False
        if not re.match(r"^usage:", line, re.IGNORECASE):
            rest.append(line)
    if not commands:
        raise HelpError(f"{binary} --help lists no commands (no 'commands:' section)")
    version = run_help(binary, "--version").splitlines()[0].split()[-1]
    cmds = [Command(n, s, run_help(binary, n, "--help")) for n, s in commands]
    return version, "\n".join(rest), cmds


# --- man page ------------------------------------------------------------------------------

def roff(text):
    """Escapes text for roff: backslashes, minus signs, and lines starting with . or '."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.MULTILINE)


def paragraph(lines):
    # Text laid out by hand (indented lines: tables, aligned lists) keeps its layout.
    if any(l.startswith("  ") for l in lines[1:]) or any(l.startswith("  ") for l in lines[:1]):
        return ".PP\n.nf\n" + "\n".join(roff(l) for l in lines) + "\n.fi\n"
    return ".PP\n" + roff(" ".join(l.strip() for l in lines)) + "\n"


def option_entry(o):
    names = ", ".join(f"\\fB{roff(n)}\\fR" for n in o.names())
    arg = f" \\fI{roff(o.arg)}\\fR" if o.arg else ""
    desc = roff(o.desc)
    if o.default is not None:
        desc += f" (default: {roff(o.default)})"
    return f".TP\n{names}{arg}\n{desc}\n"


def man_page(version, top_text, commands, summary, description, schemas, date):
    out = [f'.TH MESHVERIFY 1 "{date}" "meshverify {version}" "User Commands"\n',
           ".\\\" Generated at build time by cmake/help_docs.py from meshverify's --help texts.\n",
           ".ad l\n.nh\n",  # left-aligned, no hyphenation: flags stay whole
           ".SH NAME\n", f"meshverify \\- {roff(summary)}\n",
           ".SH SYNOPSIS\n",
           ".B meshverify\n.I command\n.RI [ options ]\n.br\n",
           ".B kubectl meshverify\n.I command\n.RI [ options ]\n",
           ".SH DESCRIPTION\n"]
    if description:
        out.append(".PP\n" + roff(description) + "\n")
    exit_status = []
    for block in split_paragraphs(top_text):
        (exit_status if block[0].lower().startswith("exit codes") else out).append(
            paragraph(block))
    out.append(".SH COMMANDS\n")
    for c in commands:
        out.append(f".TP\n.B {roff(c.name)}\n{roff(c.summary)}\n")
    for c in commands:
        out.append(f'.SS "meshverify {roff(c.name)}"\n')
        out.append(".nf\n" + "\n".join(f"\\fB{roff(u)}\\fR" for u in c.usage) + "\n.fi\n")
        for b in c.blocks:
            out.append(paragraph(b))
        if c.options:
            out.append(".PP\nOptions:\n.RS\n")
            out.extend(option_entry(o) for o in c.options)
            out.append(".RE\n")
    out.append(".SH KUBECTL PLUGIN\n"
               ".PP\nThe package installs \\fBkubectl\\-meshverify\\fR next to "
               "\\fBmeshverify\\fR, so that \\fBkubectl meshverify\\fR \\fIcommand\\fR runs "
               "it as a kubectl plugin with the same arguments. kubectl's \\fB\\-\\-context\\fR, "
               "\\fB\\-\\-kubeconfig\\fR and \\fB\\-n\\fR go after the command, as in "
               "\\fBkubectl meshverify check \\-c mesh.yaml \\-\\-context kind\\-cluster1\\fR; "
               "\\fBKUBECONFIG\\fR is honoured as kubectl honours it. "
               "\\fBkubectl_complete\\-meshverify\\fR, installed next to them, completes "
               "\\fBkubectl meshverify\\fR in kubectl 1.26 and later.\n")
    if exit_status:
        out.append(".SH EXIT STATUS\n")
        out.extend(exit_status)
    if schemas:
        out.append(".SH FILES\n")
        for s in schemas:
            out.append(f".TP\n.I PREFIX/share/meshverify/{roff(s)}\n"
                       "JSON Schema of the reports \\fB\\-\\-json\\fR writes "
                       "(\\fIPREFIX\\fR is \\fI/usr\\fR for the Debian package).\n")
    out.append(".SH SEE ALSO\n.BR kubectl (1),\n.BR istioctl (1)\n")
    return "".join(out)


def split_paragraphs(text):
    """Blocks of lines between blank lines; "Exit code..." also starts a block."""
    blocks, cur = [], []
    for line in text.splitlines():
        if re.match(r"exit codes?\b", line, re.IGNORECASE) and cur:
            blocks.append(cur)
            cur = []
        if line.strip():
            cur.append(line.rstrip())
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


# --- bash completion -----------------------------------------------------------------------

def completion_functions(commands):
    """The shell functions both completions share; _meshverify fills COMPREPLY."""
    flags, values, files = [], [], []
    for c in commands:
        names = " ".join(n for o in c.options for n in o.names())
        flags.append(f"    {c.name}) echo '{names}' ;;")
        for o in c.options:
            kind = o.value_kind()
            if kind != "none":
                pats = "|".join(f'"{c.name} {n}"' for n in o.names())
                values.append(f"    {pats}) echo '{kind}' ;;")
        if c.takes_files():
            files.append(c.name)
    cmd_words = " ".join(c.name for c in commands)
    return f"""# The flags of COMMAND.
_meshverify_flags() {{
  case $1 in
{chr(10).join(flags)}
  esac
}}

# What follows FLAG of COMMAND: none, file, context, any, or "choice WORD...".
_meshverify_value() {{
  case "$1 $2" in
{chr(10).join(values)}
    *) echo none ;;
  esac
}}

# Whether COMMAND takes FILE arguments (its usage line names FILE).
_meshverify_takes_files() {{
  case $1 in
    {"|".join(files) or "''"}) return 0 ;;
  esac
  return 1
}}

_meshverify() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev="" cmd=""
  [ "$COMP_CWORD" -gt 0 ] && prev=${{COMP_WORDS[COMP_CWORD - 1]}}
  # --flag=value: bash splits it into '--flag' '=' 'value'.
  if [ "$cur" = "=" ]; then
    cur="" prev=${{COMP_WORDS[COMP_CWORD - 1]}}
  elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
    prev=${{COMP_WORDS[COMP_CWORD - 2]}}
  fi
  [ "$COMP_CWORD" -gt 1 ] && cmd=${{COMP_WORDS[1]}}
  COMPREPLY=()
  if [ -z "$cmd" ]; then
    case $cur in
      -*) mapfile -t COMPREPLY < <(compgen -W '--help --version' -- "$cur") ;;
      *) mapfile -t COMPREPLY < <(compgen -W '{cmd_words}' -- "$cur") ;;
    esac
    return 0
  fi
  local kind
  kind=$(_meshverify_value "$cmd" "$prev")
  case $kind in
    file)
      compopt -o filenames 2>/dev/null
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return 0 ;;
    context)
      local contexts
      contexts=$(kubectl config get-contexts -o name 2>/dev/null)
      mapfile -t COMPREPLY < <(compgen -W "$contexts" -- "$cur")
      return 0 ;;
    choice\\ *) mapfile -t COMPREPLY < <(compgen -W "${{kind#choice }}" -- "$cur"); return 0 ;;
    any) return 0 ;;
  esac
  case $cur in
    -*) mapfile -t COMPREPLY < <(compgen -W "$(_meshverify_flags "$cmd")" -- "$cur") ;;
    *)
      if _meshverify_takes_files "$cmd"; then
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      fi ;;
  esac
  return 0
}}
"""


GENERATED = """# Generated at build time by cmake/help_docs.py from `meshverify --help` and each
# `meshverify COMMAND --help`; do not edit.
"""


def completion(version, commands):
    return (f"# bash completion for meshverify {version} and its kubectl plugin, "
            "kubectl-meshverify.\n" + GENERATED + "\n" + completion_functions(commands) +
            "complete -F _meshverify meshverify kubectl-meshverify\n")


def kubectl_completion(version, commands):
    """kubectl_complete-meshverify: what kubectl 1.26+ runs for `kubectl meshverify <TAB>`."""
    return ("#!/usr/bin/env bash\n"
            f"# kubectl_complete-meshverify (meshverify {version}): kubectl 1.26 and later run it\n"
            "# to complete `kubectl meshverify ...`. Its arguments are the words after\n"
            "# `meshverify`, the last one the word being completed; it prints one candidate a\n"
            "# line, then cobra's directive: :4 (no file names) or :0 (the shell completes file\n"
            "# names).\n" + GENERATED + "\n" + completion_functions(commands) + r"""
compopt() { _meshverify_files=1; }  # file completion is left to the shell (directive :0)
_meshverify_files=0
[ $# -gt 0 ] || set -- ""
prefix=""
last=${!#}
COMP_WORDS=(kubectl-meshverify "${@:1:$#-1}")
if [[ $last == --*=* ]]; then  # one word here; bash's own completion sees '--flag' '=' 'value'
  prefix=${last%%=*}=
  COMP_WORDS+=("${last%%=*}" "=" "${last#*=}")
else
  COMP_WORDS+=("$last")
fi
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_meshverify
if [ "$_meshverify_files" = 1 ]; then
  echo ":0"
  exit 0
fi
for c in "${COMPREPLY[@]}"; do printf '%s%s
' "$prefix" "$c"; done
echo ":4"
""")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--man", required=True, help="man page to write; also writes MAN.gz")
    ap.add_argument("--completion", required=True, help="bash completion file to write")
    ap.add_argument("--kubectl-completion", help="kubectl_complete-meshverify to write")
    ap.add_argument("--summary", default="verify an Istio multicluster mesh",
                    help="the NAME line")
    ap.add_argument("--description", default="", help="first paragraph of DESCRIPTION")
    ap.add_argument("--schema", action="append", default=[], help="schema file name (repeat)")
    a = ap.parse_args()
    try:
        version, top, commands = read_binary(a.binary)
    except HelpError as e:
        print(f"help_docs.py: {e}", file=sys.stderr)
        return 1
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch
            else datetime.datetime.now(datetime.timezone.utc))
    page = man_page(version, top, commands, a.summary, a.description, a.schema, when.strftime("%Y-%m-%d"))
    write(a.man, page.encode())
    # mtime 0 and no file name: the .gz is the same for the same page (reproducible package).
    write(a.man + ".gz", gzip.compress(page.encode(), compresslevel=9, mtime=0))
    write(a.completion, completion(version, commands).encode())
    if a.kubectl_completion:
        write(a.kubectl_completion, kubectl_completion(version, commands).encode())
        os.chmod(a.kubectl_completion, 0o755)
    return 0


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
