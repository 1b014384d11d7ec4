#!/usr/bin/env python3
"""Generate the C views of the two source-of-truth tables.

Inputs (this folder, checked in):
  esent-exports.tsv     every ESENT.dll export: x86 stack bytes, alias target, x86 Name@N twin
  esent-prototypes.tsv  SAL-annotated prototype of every public-header function
  grbit-families.tsv    which JET_bit* names belong to which function's grbit
  jet-codes.tsv         every JET_err*/JET_wrn* code with its value and one-line meaning
  jet-bits.tsv          every JET_bit* flag
  jet-params.tsv        the JET_param* ids the documentation pages give (and one from the published header)

Outputs (core/generated/, checked in so that Windows builds need no Python):
  api_table.inc   API(...) rows, one per export, in export-list order
  api_params.inc  PARAM(...) rows, one per parameter of every function with a prototype
  jet_codes.inc   JET_CODE(...) rows
  jet_bits.inc    JET_BIT(...) rows
  jet_params.inc  JET_PARAM(...) rows
  grbit_families.inc  GRBIT_FAMILY(...) / GRBIT_MEMBER(...) rows
  exports-x64.def, exports-x86.def  module-definition files shared by every DLL that
                  exports the ESENT surface (the shim and the model)

Run:  python3 core/tables/generate.py            (rewrites the outputs)
      python3 core/tables/generate.py --check    (exit 1 if an output is stale)
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "generated")


def read_tsv(name):
    rows = []
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            rows.append((lineno, line.split("\t")))
    return rows


# ---------------------------------------------------------------- prototypes

def strip_preprocessor(params):
    # The header keeps an old (JET_VERSION < 0x0600) spelling of some buffers:
    # keep the modern branch only.
    params = re.sub(r"#if\s*\([^)]*\)\s*.*?#else", "", params)
    params = params.replace("#endif", "")
    # Flattened `// comment` fragments end where the next SAL annotation starts.
    params = re.sub(r"//.*?(?=_(In|Out|Inout|Reserved|Pre)\w*)", "", params)
    return params


def split_top_level(text):
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def parse_param(text):
    """Return (annotation, annotation_args, ctype, name)."""
    ann, ann_args = "", ""
    m = re.match(r"(_\w+_)\s*", text)
    if m:
        ann = m.group(1)
        rest = text[m.end():]
        if rest.startswith("("):
            depth = 0
            for i, ch in enumerate(rest):
                depth += ch == "("
                depth -= ch == ")"
                if depth == 0:
                    ann_args = rest[1:i].strip()
                    rest = rest[i + 1:]
                    break
        text = rest.strip()
    m = re.match(r"(.*?)(\w+)\s*$", text)
    ctype = re.sub(r"\s+", " ", m.group(1).strip())
    ctype = re.sub(r"\*\s*const\b", "*", ctype)
    ctype = re.sub(r"\s*\*\s*", " *", ctype).replace("* *", "**").strip()
    return ann, ann_args, ctype, m.group(2)


HANDLE_KINDS = {
    "JET_INSTANCE": "INSTANCE", "JET_SESID": "SESID", "JET_DBID": "DBID",
    "JET_TABLEID": "TABLEID", "JET_HANDLE": "HANDLE", "JET_COLUMNID": "COLUMNID",
    "JET_OSSNAPID": "OSSNAPID",
}


def classify(fn, ann, ann_args, ctype, name, names):
    """Type tag of one parameter: (kind, direction, size_index, actual_index, detail)."""
    base = ctype.replace("const ", "").strip()
    is_ptr = base.endswith("*")
    core = base.rstrip(" *").strip()
    direction = "IN"
    if ann.startswith("_Out"):
        direction = "OUT"
    elif ann.startswith("_Inout"):
        direction = "INOUT"
    size_i = actual_i = -1

    def index_of(expr):
        expr = expr.strip().lstrip("*").strip()
        return names.index(expr) if expr in names else -1

    if ann_args and ("writes_bytes" in ann or "reads_bytes" in ann or "Out_cap" in ann):
        args = [a.strip() for a in split_top_level(ann_args)]
        size_i = index_of(args[0])
        if len(args) > 1:
            actual_i = index_of(args[1])
        return ("BUF", direction, size_i, actual_i, core if core not in ("void",) else "")
    if ann.startswith("_Outptr"):
        return ("PTR", "OUT", -1, -1, core)
    if core in HANDLE_KINDS:
        if is_ptr:
            if ann_args:  # an array of handles
                return ("PTR", direction, index_of(split_top_level(ann_args)[0]), -1, core)
            return (HANDLE_KINDS[core], "OUT" if direction == "IN" else direction, -1, -1, "")
        return (HANDLE_KINDS[core], "IN", -1, -1, "")
    if core == "JET_GRBIT" and not is_ptr:
        return ("GRBIT", "IN", -1, -1, "")
    if core in ("JET_PCSTR", "JET_PSTR") and not is_ptr:
        return ("STR_A", "IN", -1, -1, "")
    if core in ("JET_PCWSTR", "JET_PWSTR") and not is_ptr:
        return ("STR_W", "IN", -1, -1, "")
    if core in ("char",) and is_ptr:
        return ("STR_A", direction, -1, -1, "")
    if core == "unsigned long" and name == "paramid":
        return ("PARAMID", "IN", -1, -1, "")
    scalar = {"unsigned long": "ULONG", "long": "LONG", "unsigned __int64": "U64",
              "__int64": "I64", "JET_API_PTR": "API_PTR", "JET_LOGTIME": "U64"}
    if core in scalar and "*" not in core:
        if base.count("*") > 1 or (is_ptr and direction == "IN"):
            return ("PTR", direction, -1, -1, core)
        if is_ptr:
            return (scalar[core], direction, -1, -1, "")
        return (scalar[core], "IN", -1, -1, core if core == "JET_LOGTIME" else "")
    if core in ("JET_PFNSTATUS", "JET_CALLBACK", "JET_PFNREALLOC", "JET_PFNDURABLECOMMITCALLBACK",
                "JET_PFNEMITLOGDATA"):
        return ("CALLBACK", "IN", -1, -1, core)
    if core in ("JET_RESOPER", "JET_RESID", "JET_OPDDLCONV", "JET_OBJTYP", "JET_CBTYP"):
        return ("ULONG", "IN", -1, -1, core)
    if is_ptr:
        count_i = index_of(split_top_level(ann_args)[0]) if ann_args else -1
        return ("STRUCT" if core.startswith("JET_") else "PTR", direction, count_i, -1, core)
    # A remaining by-value type of pointer width (JET_LS, JET_INDEXID ...).
    return ("API_PTR", "IN", -1, -1, core)


def param_size_x86(p):
    """Bytes one parameter takes on the x86 stack (stdcall): 64-bit values by value take two slots."""
    return 8 if p["kind"] in ("U64", "I64") and p["dir"] == "IN" else 4


# ---------------------------------------------------------------- loading

def load():
    exports = [r for _, r in read_tsv("esent-exports.tsv")]
    names = [r[0] for r in exports]
    if names != sorted(names):  # api_find() searches by bisection
        sys.exit("esent-exports.tsv: names are not in byte order")
    protos = {}
    for lineno, r in read_tsv("esent-prototypes.tsv"):
        name, vmin, vbelow, public, params = r[0], r[1], r[2], r[3], r[4] if len(r) > 4 else ""
        plist = []
        text = strip_preprocessor(params).strip()
        if text and text != "void":
            raw = [parse_param(p) for p in split_top_level(text)]
            names = [p[3] for p in raw]
            for ann, ann_args, ctype, pname in raw:
                kind, direction, size_i, actual_i, detail = classify(name, ann, ann_args, ctype, pname, names)
                plist.append(dict(name=pname, ctype=ctype, kind=kind, dir=direction,
                                  size=size_i, actual=actual_i, detail=detail,
                                  optional="_opt_" in ann or ann.endswith("opt_")))
        protos[name] = dict(vmin=vmin, vbelow=vbelow, public=public, params=plist, line=lineno)
    families = []
    for _, r in read_tsv("grbit-families.tsv"):
        families.append(dict(name=r[0], functions=r[1].split(","), flags=r[2].split(",")))
    return exports, protos, families


def family_of(fn, families):
    for i, fam in enumerate(families):
        for pattern in fam["functions"]:
            if re.fullmatch(pattern, fn):
                return i
    return -1


# ---------------------------------------------------------------- emit

HEADER = "/* Generated by core/tables/generate.py from the tables in core/tables: do not edit. */\n"


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def emit(outputs):
    exports, protos, families = load()
    api, params = [HEADER], [HEADER]
    api.append("/* API(name, target, x86_bytes, x86_twin, x64_slots, jet_version, public, has_proto,\n"
               "       first_param, nparams, computed_x86_bytes, x86_slots, is_alias) */\n")
    params.append("/* PARAM(function, index, \"name\", KIND, DIR, size_index, actual_index, optional,\n"
                  "         \"ctype\", grbit_family) */\n")
    pcount = 0
    for r in exports:
        name, x86, alias, twin, private = r[0], int(r[1]), r[2], r[3], r[4]
        target = name if alias == "-" else alias
        proto = protos.get(target)
        if proto:
            plist = proto["params"]
            slots64 = len(plist)
            computed = sum(param_size_x86(p) for p in plist)
            vmin = proto["vmin"] if proto["vmin"] != "-" else "0x500"
            public = 1 if proto["public"] == "yes" else 0
        else:
            plist, slots64, computed, vmin, public = [], x86 // 4, x86, "0", 0
        first = pcount
        if alias == "-":
            fam = family_of(name, families)
            for i, p in enumerate(plist):
                params.append("PARAM(%s, %d, %s, %s, %s, %d, %d, %d, %s, %d)\n" % (
                    name, i, c_str(p["name"]), p["kind"], p["dir"], p["size"], p["actual"],
                    1 if p["optional"] else 0, c_str(p["ctype"]), fam if p["kind"] == "GRBIT" else -1))
            pcount += len(plist)
        else:
            first = -1  # an alias shares its target's parameters
        api.append("API(%s, %s, %d, %d, %d, %s, %d, %d, %d, %d, %d, %d, %d)\n" % (
            name, target, x86, 1 if twin == "yes" else 0, slots64, vmin, public,
            1 if proto else 0, first, len(plist), computed, x86 // 4, 0 if alias == "-" else 1))
    outputs["api_table.inc"] = "".join(api)
    outputs["api_params.inc"] = "".join(params)

    codes = [HEADER, "/* JET_CODE(name, value, public, \"meaning\") */\n"]
    for lineno, r in read_tsv("jet-codes.tsv"):
        meaning = r[3] if len(r) > 3 else ""
        codes.append("JET_CODE(%s, %s, %d, %s)\n" % (r[0], r[1], 1 if r[2] == "yes" else 0, c_str(meaning)))
    outputs["jet_codes.inc"] = "".join(codes)

    bits = [HEADER, "/* JET_BIT(name, value, public) */\n"]
    for _, r in read_tsv("jet-bits.tsv"):
        bits.append("JET_BIT(%s, %s, %d)\n" % (r[0], r[1], 1 if r[2] == "yes" else 0))
    outputs["jet_bits.inc"] = "".join(bits)

    prm = [HEADER, "/* JET_PARAM(name, value) */\n"]
    for _, r in read_tsv("jet-params.tsv"):
        prm.append("JET_PARAM(%s, %s)\n" % (r[0], r[1]))
    outputs["jet_params.inc"] = "".join(prm)

    fam = [HEADER, "/* GRBIT_FAMILY(index, \"name\") then GRBIT_MEMBER(family, JET_bit name) */\n"]
    for i, f in enumerate(families):
        fam.append("GRBIT_FAMILY(%d, %s)\n" % (i, c_str(f["name"])))
        for flag in f["flags"]:
            fam.append("GRBIT_MEMBER(%d, %s)\n" % (i, flag))
    outputs["grbit_families.inc"] = "".join(fam)

    # Module-definition files. Every DLL that exports the ESENT surface defines one
    # C function per non-alias export, named exactly as the export.
    x64 = ["; Generated by core/tables/generate.py: do not edit.\nEXPORTS\n"]
    # x86: every internal name (right of "=") is the undecorated C name. link.exe and lld-link
    # take a right-hand "Name@N" as already decorated and find no such symbol; GNU ld finds the
    # stdcall symbol behind a plain name with --enable-stdcall-fixup.
    x86 = ["; Generated by core/tables/generate.py: do not edit.\n"
           "; i686: link with -Wl,--enable-stdcall-fixup (GNU ld); Name@N twins as the real x86 esent.dll has.\n"
           "EXPORTS\n"]
    for r in exports:
        name, x86b, alias, twin, private = r[0], int(r[1]), r[2], r[3], r[4]
        priv = " PRIVATE" if private == "yes" else ""
        if alias == "-":
            x64.append("%s%s\n" % (name, priv))
            x86.append("%s%s\n" % (name, priv))
            if twin == "yes":
                x86.append("%s@%d=%s\n" % (name, x86b, name))
        else:
            x64.append("%s=%s%s\n" % (name, alias, priv))
            x86.append("%s=%s%s\n" % (name, alias, priv))
    outputs["exports-x64.def"] = "".join(x64)
    outputs["exports-x86.def"] = "".join(x86)


def main():
    outputs = {}
    emit(outputs)
    check = "--check" in sys.argv
    stale = []
    for name, text in sorted(outputs.items()):
        path = os.path.join(OUT, name)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != text:
            stale.append(path)
            if not check:
                os.makedirs(OUT, exist_ok=True)
                with open(path, "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
    if check and stale:
        for p in stale:
            print("%s: stale: run python3 core/tables/generate.py" % p, file=sys.stderr)
        return 1
    if not check:
        print("generate.py: %d outputs, %d rewritten" % (len(outputs), len(stale)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
