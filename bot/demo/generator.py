"""A deterministic, realistic demo school, with a hidden truth to measure matching against (pure).

`generate(seed, today=...)` returns the same `DemoSchool` for the same seed and day, in any process: every
random draw comes from `random.Random` seeded with a string per section (employers, postings, people, wishes,
outcomes), nothing iterates a set, and no clock is read. Only dates depend on `today`; names, numbers and
passwords depend on the seed alone, so re-running on another day re-creates the same accounts.

The school (楚江大学, 武汉): 3 colleges, 13 majors with national catalogue codes (one 高职专科 programme),
20 classes of the 2026 cohort, 600 graduates. Graduates: plausible names (weighted surnames), gender by
major, 生源地 counties ~60% 湖北, GB 11643 ID numbers whose region is the 生源地 and whose birth dates
(2002-2005) fit the entry year, unique 11-digit phones, ~10% hardship (脱贫/低保/零就业/残疾 flags with the
matching 困难生类别 bits). About 35% carry an initial 毕业去向 (outcomes.py).

The market (market.py, jobs.py): 150 fictional employers in 30 cities (42 in 武汉) with GB 32100 credit codes,
单位性质 and 行业 codes; 800 postings from templates per job family — title, 2-4 sentences naming skills, the
majors accepted (exact codes, 专业类 codes or 不限), a minimum level, a salary band scaled by the city's pay,
headcount 1-10, published before `today`, deadline 10-90 days ahead (~5% already past), ~4% closed or withdrawn,
~3% pending review, and 8 postings demanding gender or 户籍, flagged for review.

The truth model (wishes.py): each graduate has a hidden `Truth` and a noisy stated `Preference`. A posting is
*truly relevant* to a graduate (`relevant_postings`) when all of these hold:
  1. it is open: status open, review approved, deadline not before `today`;
  2. the graduate is eligible: level >= the posting's minimum and the major is accepted (exact code,
     专业类 code or 不限);
  3. the place fits: the posting's city is a true city, or its province a true province, or it is
     nationwide, or the graduate would truly go anywhere;
  4. the work fits: the employer's industry is a true industry, or a true position word appears in the
     title (descriptions share boilerplate such as 培训 and 体检, so they would blur the labels);
  5. the pay fits: the posting's maximum is at least the true floor (面议 counts as fitting).
`relevance_grades` also grades them: 2 for a true city (or nationwide), 1 for province / anywhere.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from random import Random

from bot.codes import places
from bot.demo import jobs
from bot.demo.catalogue import COHORT, COLLEGES, GRADUATES, MAJORS, SCHOOL_NAME, STATUS_SHARE, MajorSpec
from bot.demo.market import make_employers, make_postings
from bot.demo.model import (
    DemoCollege,
    DemoGraduate,
    DemoMajor,
    DemoPosting,
    DemoSchool,
)
from bot.demo.outcomes import make_status
from bot.demo.people import Identity, make_classes_and_staff, make_identities
from bot.demo.wishes import make_stated, make_truth, stated_text
from bot.domain import PostingStatus, ReviewState

__all__ = ["REFERENCE_DAY", "generate", "is_eligible", "is_open", "relevance_grades", "relevant_postings"]


def _rng(seed: int, section: str) -> Random:
    # String seeds are hashed with SHA-512 by `random`, so they do not depend on PYTHONHASHSEED.
    # Reproducible on purpose: demo data, never secrets a real user relies on.
    return Random(f"jiuye-demo:{seed}:{section}")  # noqa: S311


# The default day: early June, when a 届 is about to graduate (and the day FakeClock starts on in tests).
REFERENCE_DAY = date(2026, 6, 1)


def generate(seed: int = 2026, today: date = REFERENCE_DAY) -> DemoSchool:
    """The demo school for `seed` as seen on `today` (`jiuye demo` passes the real day)."""
    employers = make_employers(_rng(seed, "employers"))
    postings = make_postings(_rng(seed, "postings"), employers, today)
    classes, staff = make_classes_and_staff(_rng(seed, "staff"))
    identities = make_identities(_rng(seed, "people"), classes, GRADUATES)
    wish_rng, text_rng, outcome_rng = _rng(seed, "wishes"), _rng(seed, "texts"), _rng(seed, "outcomes")
    with_status = set(outcome_rng.sample(range(len(identities)), round(len(identities) * STATUS_SHARE)))
    graduates: list[DemoGraduate] = []
    for i, person in enumerate(identities):
        family = jobs.FAMILIES[person.major.family]
        truth = make_truth(wish_rng, family, person.origin_adcode, person.major.level)
        stated = make_stated(wish_rng, truth, family)
        status = None
        if i in with_status:
            status = make_status(
                outcome_rng,
                family=family.key,
                truth=truth,
                origin_adcode=person.origin_adcode,
                employers=employers,
                today=today,
            )
        graduates.append(
            DemoGraduate(
                **{f.name: getattr(person, f.name) for f in fields(Identity) if f.name != "major"},
                education=person.major.level,
                cohort=COHORT,
                college_code=person.major.college,
                major_code=person.major.code,
                truth=truth,
                stated=stated,
                stated_text=None if stated is None else stated_text(text_rng, stated),
                status=status,
            )
        )
    return DemoSchool(
        seed=seed,
        today=today,
        name=SCHOOL_NAME,
        colleges=tuple(DemoCollege(code, name) for code, name, _ in COLLEGES),
        majors=tuple(_major(m) for m in MAJORS),
        classes=classes,
        staff=staff,
        graduates=tuple(graduates),
        employers=employers,
        postings=postings,
    )


def _major(spec: MajorSpec) -> DemoMajor:
    same = {f.name: getattr(spec, f.name) for f in fields(DemoMajor) if f.name != "college_code"}
    return DemoMajor(**same, college_code=spec.college)


def is_open(posting: DemoPosting, today: date) -> bool:
    return (
        posting.status is PostingStatus.OPEN
        and posting.review_state is ReviewState.APPROVED
        and posting.deadline >= today
    )


def is_eligible(posting: DemoPosting, graduate: DemoGraduate, major: DemoMajor) -> bool:
    """The hard filters on the graduate's side: level and major (exact, 专业类 or 不限)."""
    if graduate.education < posting.min_education:
        return False
    if posting.majors_any:
        return True
    accepted = posting.accepted_majors
    return major.code in accepted or major.class_code in accepted or major.category_code in accepted


def relevance_grades(school: DemoSchool, graduate: DemoGraduate) -> dict[str, int]:
    """Posting key -> 2 (true city or nationwide) or 1 (true province / anywhere), for truly relevant postings."""
    truth = graduate.truth
    major = school.major_by_code[graduate.major_code]
    industries = {e.name: e.industry_code for e in school.employers}
    grades: dict[str, int] = {}
    for posting in school.postings:
        if not (is_open(posting, school.today) and is_eligible(posting, graduate, major)):
            continue
        grade = _place_grade(posting, graduate)
        if grade == 0:
            continue
        if industries[posting.employer_name] not in truth.industry_codes and not any(
            k in posting.title for k in truth.keywords
        ):
            continue
        if posting.salary_max is not None and posting.salary_max < truth.salary_floor:
            continue
        grades[posting.key] = grade
    return grades


def relevant_postings(school: DemoSchool, graduate: DemoGraduate) -> set[str]:
    """The keys of the postings this graduate would truly want (see the module docstring)."""
    return set(relevance_grades(school, graduate))


def _place_grade(posting: DemoPosting, graduate: DemoGraduate) -> int:
    truth = graduate.truth
    if posting.nationwide or posting.adcode is None:
        return 2
    city = places.city_of(posting.adcode) or posting.adcode
    if city in truth.city_adcodes:
        return 2
    if places.province_of(posting.adcode) in truth.province_adcodes or truth.anywhere:
        return 1
    return 0
