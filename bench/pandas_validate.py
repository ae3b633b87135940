"""The reference for bench/validate.sh: what users do today before an
upload, with pandas. The same checks as `dialbook validate` on the bench
file: header against the list's columns, required, length, phone and
e-mail patterns, numbers and timestamps. Prints the invalid row count."""
import sys

import pandas as pd

COLUMNS = ["contact_id", "full_name", "home_phone", "cell_phone", "email", "zip", "city",
           "balance", "last_contacted", "status"]
PHONE = r"^(\+[\d\s\-.()]{8,}|[\d\s\-.()]{7,})$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False, encoding="utf-8")
if [c.lower() for c in df.columns] != COLUMNS:
    sys.exit("header mismatch")
bad = pd.Series(False, index=df.index)
for col in COLUMNS:
    bad |= df[col].str.len() > 512
bad |= df["contact_id"].str.strip() == ""
for col in ("home_phone", "cell_phone"):
    v = df[col]
    digits = v.str.count(r"\d")
    bad |= (v != "") & ~(v.str.match(PHONE) & digits.between(7, 15))
bad |= (df["email"] != "") & ~df["email"].str.match(EMAIL)
bad |= (df["balance"] != "") & pd.to_numeric(df["balance"], errors="coerce").isna()
ts = pd.to_datetime(df["last_contacted"], errors="coerce", utc=True)
bad |= (df["last_contacted"] != "") & ts.isna()
print(f"{len(df)} rows, {int(bad.sum())} invalid")
