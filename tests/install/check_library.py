#!/usr/bin/env python3
"""Checks what a shared library of Sift exports and links (docs/EMBEDDING.md).

    check_library.py exports LIB --headers DIR --internal DIR
        Every dynamic symbol LIB defines must be public API: in namespace
        sift, named in a public header (--headers, libfilter/include/sift),
        and not in the namespace of an internal layer (each directory of
        --internal, libfilter/src, is one: sift::vm, sift::parse, ...; store
        is the public sift::store, policy the public sift::policy). Boost, the standard library's inline code
        and internal helpers that leak fail the test, each one listed.

    check_library.py needed LIB --forbid NAME...
        Neither LIB's NEEDED entries nor what ldd resolves for it may contain
        a forbidden library (libsift.so: lmdb, hiredis).
"""
import argparse
import pathlib
import re
import subprocess
import sys

# What the compiler emits for a class besides its functions.
SPECIAL_PREFIX = re.compile(
    r"^(typeinfo for |typeinfo name for |vtable for |VTT for |"
    r"non-virtual thunk to |virtual thunk to |guard variable for )")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def exported_symbols(lib):
    """The demangled names of the dynamic symbols LIB defines."""
    names = []
    for line in run("nm", "-D", "--defined-only", "-C", lib).splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) == 3:
            names.append(parts[2])
    return names


def public_names(headers):
    """Every identifier that appears in a public header."""
    names = set()
    for header in pathlib.Path(headers).glob("*.hpp"):
        names.update(IDENTIFIER.findall(header.read_text()))
    return names


def why_not_public(symbol, public, internal):
    """None when SYMBOL is public API, else the reason it is not."""
    name = SPECIAL_PREFIX.sub("", symbol)
    for ns in internal:
        if f"sift::{ns}::" in name:
            return f"internal namespace sift::{ns}"
    if "boost::" in name:
        return "Boost"
    if "(anonymous namespace)" in name:
        return "anonymous namespace"
    if not name.startswith("sift::"):
        return "not in namespace sift"
    # The first name after sift:: (or sift::store::) must be one the
    # public headers declare: sift::script::run -> script.
    rest = name[len("sift::"):]
    if rest.startswith("store::"):
        rest = rest[len("store::"):]
    first = IDENTIFIER.match(rest)
    if not first or first.group(0) not in public:
        return "not declared in a public header"
    return None


def check_exports(args):
    internal = sorted(p.name for p in pathlib.Path(args.internal).iterdir()
                      if p.is_dir() and p.name not in ("store", "policy"))
    public = public_names(args.headers)
    symbols = exported_symbols(args.lib)
    bad = [(s, why) for s in symbols if (why := why_not_public(s, public, internal))]
    for symbol, why in bad:
        print(f"exported but {why}: {symbol}")
    print(f"{args.lib}: {len(symbols)} exported symbols, {len(bad)} not public API")
    if not symbols:
        print("no exported symbols at all: is this the shared library?")
        return 1
    return 1 if bad else 0


def check_needed(args):
    needed = re.findall(r"\(NEEDED\).*\[(.*)\]", run("readelf", "-d", args.lib))
    loaded = [line.split()[0] for line in run("ldd", args.lib).splitlines() if line.strip()]
    print(f"{args.lib}: NEEDED {' '.join(needed)}")
    bad = [lib for lib in needed + loaded for name in args.forbid if name in lib]
    for lib in sorted(set(bad)):
        print(f"links {lib}, which it must not")
    return 1 if bad else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="check", required=True)
    exports = sub.add_parser("exports")
    exports.add_argument("lib")
    exports.add_argument("--headers", required=True)
    exports.add_argument("--internal", required=True)
    needed = sub.add_parser("needed")
    needed.add_argument("lib")
    needed.add_argument("--forbid", nargs="+", required=True)
    args = parser.parse_args()
    return check_exports(args) if args.check == "exports" else check_needed(args)


if __name__ == "__main__":
    sys.exit(main())
