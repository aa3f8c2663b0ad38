"""Reference de-identification for the benchmark: the same transforms as Airlock's bench
profile (scripts/bench-deid.ts), written plainly with the csv and hmac modules.

usage: python3 deid_reference.py KEY_HEX IN.csv OUT.csv
"""
import csv
import hashlib
import hmac
import re
import sys

SHIFT_DOMAIN = b"airlock:date-shift:v1\x00"
RESTRICTED = {"036", "059", "063", "102", "203", "556", "692", "790", "821",
              "823", "830", "831", "878", "879", "884", "890", "893"}
SCRUB = re.compile(
    r"(?P<url>\b(?:https?://|ftp://|www\.)[^\s<>\"']+)"
    r"|(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"|(?P<ssn>\b\d{3}[- ]\d{2}[- ]\d{4}\b)"
    r"|(?P<phone>(?:\+?\b1[-. ]?)?(?:\(\d{3}\)\s?|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b)"
    r"|(?P<date>\b\d{4}-\d{1,2}-\d{1,2}|\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b)"
    r"|(?P<id>\b\d{7,}\b)",
    re.IGNORECASE,
)
TAGS = {"url": "[URL]", "email": "[EMAIL]", "ssn": "[SSN]", "phone": "[PHONE]", "date": "[DATE]", "id": "[ID]"}


def main() -> None:
    key = bytes.fromhex(sys.argv[1])

    def token(value: str) -> str:
        value = value.strip()
        return hmac.new(key, value.encode(), hashlib.sha256).hexdigest() if value else ""

    def shift_days(person: str) -> int:
        digest = hmac.new(key, SHIFT_DOMAIN + person.strip().encode(), hashlib.sha256).digest()
        draw = int.from_bytes(digest[:4], "big") % 730
        return -(draw + 1) if draw < 365 else draw - 365 + 1

    import datetime

    def shift(value: str, person: str) -> str:
        if not value:
            return ""
        day = datetime.date.fromisoformat(value) + datetime.timedelta(days=shift_days(person))
        return day.isoformat()

    def zip3(value: str) -> str:
        if not value:
            return ""
        prefix = value[:5].zfill(5)[:3]
        return "000" if prefix in RESTRICTED else prefix

    def topcode(value: str) -> str:
        return "90" if value and float(value) > 89 else value

    def scrub(value: str) -> str:
        return SCRUB.sub(lambda match: TAGS[match.lastgroup], value)

    with open(sys.argv[2], newline="", encoding="utf-8") as source, \
            open(sys.argv[3], "w", newline="", encoding="utf-8") as target:
        reader = csv.reader(source)
        writer = csv.writer(target, lineterminator="\n")
        header = next(reader)
        index = {name: position for position, name in enumerate(header)}
        writer.writerow([name for name in header if name not in ("first_name", "last_name", "email")])
        member = index["member_id"]
        for row in reader:
            person = row[member]
            writer.writerow([
                row[0], token(person), token(row[4]), row[5][:4] if row[5] else "", row[6], zip3(row[7]),
                ("*" * (len(row[8]) - 4) + row[8][-4:]) if row[8] else "",
                shift(row[10], person), shift(row[11], person), topcode(row[12]), row[13], row[14], scrub(row[15]),
            ])


if __name__ == "__main__":
    main()
