"""Initial 毕业去向 for about a third of the graduates, as if imported from the school's ledger (pure)."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

from bot.codes import places
from bot.demo.catalogue import UNIVERSITIES_FOR_STUDY
from bot.demo.market import cities, place_text
from bot.demo.model import DemoEmployer, DemoStatus, Truth

# (destination code, 未就业原因 or None, weight) — national codes, see models/data/codes-2024.json.
OUTCOMES: tuple[tuple[str, str | None, int], ...] = (
    ("10", None, 30),
    ("11", None, 16),
    ("12", None, 3),
    ("80", None, 13),
    ("46", None, 3),
    ("50", None, 3),
    ("85", None, 1),
    ("76", None, 2),
    ("70", "求职中", 13),
    ("70", "签约中", 7),
    ("70", "拟参加公招考试", 5),
    ("71", "拟升学", 2),
    ("72", "暂不就业", 2),
)
UNPLACED = {"70", "71", "72"}
# Which kinds of employer hire each job family (for the employer a placed graduate signed with).
FAMILY_EMPLOYERS = {
    "nursing": ("hospital", "eldercare"),
    "clinical": ("hospital",),
    "pharmacy": ("pharma", "pharmacy_chain", "hospital"),
    "lab": ("hospital", "medlab", "biotech"),
    "software": ("software", "internet", "telecom"),
    "data": ("internet", "software", "bank"),
    "electronics": ("electronics", "telecom", "manufacturing"),
    "accounting": ("accounting_firm", "state_group", "bank", "retail"),
    "marketing": ("retail", "realestate", "ecommerce"),
    "ecommerce": ("ecommerce", "internet", "retail"),
    "hr": ("hr_service", "state_group", "education"),
}
STUDY_ABROAD = ("英国", "澳大利亚", "日本", "新加坡", "中国香港")


def make_status(
    rng: Random,
    *,
    family: str,
    truth: Truth,
    origin_adcode: str,
    employers: tuple[DemoEmployer, ...],
    today: date,
) -> DemoStatus:
    code, reason, _ = rng.choices(OUTCOMES, weights=[w for _, _, w in OUTCOMES])[0]
    on = today - timedelta(days=rng.randint(1, 60))
    if code in ("10", "11", "12"):
        employer = _employer_for(rng, family, truth, employers)
        return DemoStatus(
            destination_code=code,
            on=on,
            employer_name=employer.name,
            employer_credit_code=employer.credit_code,
            employer_nature_code=employer.nature_code,
            industry_code=employer.industry_code,
            place_adcode=employer.adcode,
            place_text=place_text(employer.adcode),
        )
    if code == "80":
        university, city = rng.choice(UNIVERSITIES_FOR_STUDY)
        adcode = next(c.adcode for c in cities() if c.spec.label == city)
        return DemoStatus(code, on, employer_name=university, place_adcode=adcode, place_text=city)
    if code == "50":
        return DemoStatus(
            code,
            on,
            employer_name="三支一扶计划",
            place_adcode=origin_adcode,
            place_text=places.name_of(origin_adcode),
        )
    if code == "85":
        return DemoStatus(code, on, study_country=rng.choice(STUDY_ABROAD))
    return DemoStatus(code, on, unplaced_reason=reason)


def _employer_for(rng: Random, family: str, truth: Truth, employers: tuple[DemoEmployer, ...]) -> DemoEmployer:
    kinds = FAMILY_EMPLOYERS[family]
    fitting = [e for e in employers if e.kind in kinds]
    wanted = [e for e in fitting if (places.city_of(e.adcode) or e.adcode) in truth.city_adcodes]
    return rng.choice(wanted if wanted and rng.random() < 0.7 else fitting)
