"""The reference for bench/validate.sh: what users do today before an
upload, with pandas. The same checks as `dialbook validate`, driven by the
list's definition: header against the list's columns, required, length,
phone and e-mail patterns, numbers and timestamps. Prints the invalid row
count. Usage: pandas_validate.py LIST.json FILE.csv (or FILE.csv alone for
the historical 10-column bench list)."""
import json
import sys

import pandas as pd

FULL = [("contact_id", None, True), ("full_name", None, False), ("home_phone", "phone", False),
        ("cell_phone", "phone", False), ("email", "email", False), ("zip", None, False),
        ("city", None, False), ("balance", "numeric", False),
        ("last_contacted", "timestamp", False), ("status", None, False)]
PHONE = r"^(\+[\d\s\-.()]{8,}|[\d\s\-.()]{7,})$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

if len(sys.argv) > 2:
    with open(sys.argv[1], encoding="utf-8") as f:
        defs = json.load(f)["columnDefinitions"]
    columns = [(d["name"], d.get("type"), bool(d.get("required"))) for d in defs]
    path = sys.argv[2]
else:
    columns, path = FULL, sys.argv[1]

df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
if [c.lower() for c in df.columns] != [name.lower() for name, _, _ in columns]:
    sys.exit("header mismatch")
df.columns = [name for name, _, _ in columns]
bad = pd.Series(False, index=df.index)
for name, kind, required in columns:
    v = df[name]
    bad |= v.str.len() > 512
    if required:
        bad |= v.str.strip() == ""
    if kind == "phone":
        digits = v.str.count(r"\d")
        bad |= (v != "") & ~(v.str.match(PHONE) & digits.between(7, 15))
    elif kind == "email":
        bad |= (v != "") & ~v.str.match(EMAIL)
    elif kind == "numeric":
        bad |= (v != "") & pd.to_numeric(v, errors="coerce").isna()
    elif kind == "timestamp":
        ts = pd.to_datetime(v, errors="coerce", utc=True)
        bad |= (v != "") & ts.isna()
print(f"{len(df)} rows, {int(bad.sum())} invalid")
