"""The demo job market: 150 fictional employers in 30 cities and the 800 postings they publish (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache, partial
from random import Random

from bot.codes import places
from bot.demo import jobs
from bot.demo.catalogue import CITIES, COHORT, MAJORS, SURNAMES, CitySpec
from bot.demo.checksums import CREDIT_ALPHABET, credit_check_char, org_check_char
from bot.demo.model import DemoEmployer, DemoPosting
from bot.domain import EducationLevel, PostingStatus, ReviewState

POSTINGS = 800
PAST_DEADLINE_SHARE = 0.05
CLOSED_SHARE = 0.025
WITHDRAWN_SHARE = 0.015
PENDING_SHARE = 0.03
NEGOTIABLE_SHARE = 0.06  # 面议
NATIONWIDE_SHARE = 0.25  # of the templates that may be posted for 全国


@dataclass(frozen=True, slots=True)
class City:
    spec: CitySpec
    adcode: str


@cache
def cities() -> tuple[City, ...]:
    return tuple(City(spec, _resolve(spec.query)) for spec in CITIES)


@cache
def city_by_adcode() -> dict[str, City]:
    return {c.adcode: c for c in cities()}


def city_of(adcode: str) -> City:
    city = places.city_of(adcode)
    return city_by_adcode()[city if city is not None else adcode]


def _resolve(name: str) -> str:
    found = places.resolve(name)
    if found is None:
        raise ValueError(f"demo catalogue names an unknown place: {name}")
    return found.adcode


def make_employers(rng: Random) -> tuple[DemoEmployer, ...]:
    kinds = [kind for kind in jobs.EMPLOYER_KINDS for _ in range(kind.count)]
    rng.shuffle(kinds)
    slots = [city for city in cities() for _ in range(city.spec.employers)]
    if len(slots) != len(kinds):
        raise ValueError(f"demo catalogue: {len(slots)} employer places for {len(kinds)} employers")
    names: set[str] = set()
    codes: set[str] = set()
    out: list[DemoEmployer] = []
    for kind, city in zip(kinds, slots, strict=True):
        adcode = city.adcode
        if city.spec.districts and rng.random() < 0.6:
            adcode = _resolve(rng.choice(city.spec.districts))
        name = _unique(names, partial(_employer_name, rng, kind, city))
        nature = _weighted(rng, kind.natures)
        public = kind.public and nature == "23"
        code = _unique(codes, partial(_credit_code, rng, adcode, public=public))
        out.append(DemoEmployer(name, code, nature, kind.industry, adcode, kind.key))
    return tuple(out)


def _unique(seen: set[str], draw: Callable[[], str]) -> str:
    for _ in range(1000):
        value = draw()
        if value not in seen:
            seen.add(value)
            return value
    raise RuntimeError("demo generator could not draw a unique value")


def _employer_name(rng: Random, kind: jobs.EmployerKind, city: City) -> str:
    head = rng.choice(jobs.BRAND_HEADS)
    tail = rng.choice([c for c in jobs.BRAND_TAILS if c != head])
    prefix = city.spec.label if rng.random() < 0.5 else ""
    return f"{prefix}{head}{tail}{rng.choice(kind.suffixes)}"


def _credit_code(rng: Random, adcode: str, *, public: bool) -> str:
    """GB 32100: 登记管理部门+机构类别 (91 企业 / 12 事业单位), region, GB 11714 organisation code, check."""
    if public:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    else:  # enterprises registered since 2015 carry organisation codes beginning MA
        body = "MA" + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(6))
    first17 = ("12" if public else "91") + adcode + body + org_check_char(body)
    return first17 + credit_check_char(first17)


def _weighted(rng: Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def make_postings(rng: Random, employers: tuple[DemoEmployer, ...], today: date) -> tuple[DemoPosting, ...]:
    kinds = {k.key: k for k in jobs.EMPLOYER_KINDS}
    counts = _allocate(rng, [kinds[e.kind].size for e in employers], POSTINGS)
    out: list[DemoPosting] = []
    for employer, count in zip(employers, counts, strict=True):
        for _ in range(count):
            title = _weighted(rng, kinds[employer.kind].jobs)
            out.append(_posting(rng, f"demo-{len(out) + 1:04d}", employer, jobs.TEMPLATES[title], today))
    return tuple(_flag_discriminatory(rng, out))


def _allocate(rng: Random, sizes: list[float], total: int) -> list[int]:
    """Postings per employer: at least one each, the rest in proportion to a jittered size (largest remainder)."""
    weights = [s * rng.uniform(0.4, 1.6) for s in sizes]
    spare = total - len(sizes)
    shares = [w / sum(weights) * spare for w in weights]
    counts = [1 + int(s) for s in shares]
    order = sorted(range(len(sizes)), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _posting(rng: Random, key: str, employer: DemoEmployer, t: jobs.Template, today: date) -> DemoPosting:
    accepted, min_edu = rng.choice(t.rules)
    nationwide = t.nationwide_ok and rng.random() < NATIONWIDE_SHARE
    factor = 1.0 if nationwide else city_of(employer.adcode).spec.salary_factor
    salary_min, salary_max, months, salary_text = _salary(rng, t, factor, min_edu)
    published = today - timedelta(days=rng.randint(1, 60))
    if rng.random() < PAST_DEADLINE_SHARE:
        deadline = today - timedelta(days=rng.randint(1, 20))
        published = min(published, deadline - timedelta(days=rng.randint(10, 40)))
    else:
        deadline = today + timedelta(days=rng.randint(10, 90))
    roll = rng.random()
    status = (
        PostingStatus.CLOSED
        if roll < CLOSED_SHARE
        else PostingStatus.WITHDRAWN
        if roll < CLOSED_SHARE + WITHDRAWN_SHARE
        else PostingStatus.OPEN
    )
    review = ReviewState.PENDING if rng.random() < PENDING_SHARE else ReviewState.APPROVED
    title = f"{t.title}（{COHORT}届校招）" if rng.random() < 0.3 else t.title
    return DemoPosting(
        key=key,
        employer_name=employer.name,
        title=title,
        description=_description(rng, t),
        place_text="全国" if nationwide else place_text(employer.adcode),
        adcode=None if nationwide else employer.adcode,
        nationwide=nationwide,
        industry_code=employer.industry_code,
        majors_any=not accepted,
        accepted_majors=accepted,
        majors_text=majors_text(accepted),
        min_education=min_edu,
        salary_min=salary_min,
        salary_max=salary_max,
        salary_months=months,
        salary_text=salary_text,
        headcount=rng.choices(range(1, 11), weights=(22, 20, 15, 10, 10, 5, 4, 4, 3, 7))[0],
        published_on=published,
        deadline=deadline,
        contact=_contact(rng),
        status=status,
        review_state=review,
        discrimination=(),
    )


def place_text(adcode: str) -> str:
    """How a job board writes the place: 武汉-洪山区, 上海-浦东新区, 宜昌; always resolvable back to `adcode`."""
    city = city_of(adcode)
    if adcode != city.adcode:
        return f"{city.spec.label}-{places.short_name_of(adcode)}"
    return city.spec.label if city.spec.full is None else city.spec.full


def majors_text(accepted: tuple[str, ...]) -> str:
    if not accepted:
        return "专业不限"
    names = {m.code: m.name for m in MAJORS}
    labels = [jobs.MAJOR_CLASS_LABELS.get(code) or names.get(code, code) for code in accepted]
    return "、".join(labels) + "等相关专业"


def _salary(
    rng: Random, t: jobs.Template, factor: float, min_edu: EducationLevel
) -> tuple[int | None, int | None, int | None, str]:
    if rng.random() < NEGOTIABLE_SHARE:
        return None, None, None, "面议"
    lo, hi = t.salary
    base = rng.uniform(lo, hi) * factor * (1.2 if min_edu >= EducationLevel.SHUOSHI else 1.0)
    low = max(3000, round(base / 500) * 500)
    high = low + rng.choice((1000, 1500, 2000, 2500, 3000)) + (2000 if low >= 8000 else 0)
    return low, high, t.months, format_salary(rng, low, high, t.months)


def format_salary(rng: Random, low: int, high: int, months: int) -> str:
    """The forms job boards use: 6-8千/月, 8千-1.2万/月, 6000-8000元/月, 10-15K·13薪."""
    k = f"{low / 1000:g}-{high / 1000:g}K"
    if months > 12:
        return f"{k}·{months}薪"
    style = rng.randrange(3)
    if style == 0:
        if high < 10000:
            return f"{low / 1000:g}-{high / 1000:g}千/月"
        if low < 10000:
            return f"{low / 1000:g}千-{high / 10000:g}万/月"
        return f"{low / 10000:g}-{high / 10000:g}万/月"
    return f"{low}-{high}元/月" if style == 1 else k


def _description(rng: Random, t: jobs.Template) -> str:
    skills = "、".join(rng.sample(t.skills, k=min(len(t.skills), rng.choice((2, 3)))))
    opener = rng.choice(("要求熟悉{}。", "需掌握{}。", "熟悉{}，具备良好的沟通能力。"))
    parts = [t.duty, opener.format(skills)]
    if rng.random() < 0.6:
        parts.append(rng.choice(jobs.BONUS_SENTENCES))
    if rng.random() < 0.5:
        parts.append(rng.choice(jobs.BENEFIT_SENTENCES))
    return "".join(parts)


def _contact(rng: Random) -> str:
    surname = rng.choices([s for s, _ in SURNAMES], weights=[w for _, w in SURNAMES])[0]
    dept = rng.choice(("人力资源部", "校园招聘组", "招聘负责人"))
    return f"{dept} {surname}{rng.choice(('老师', '女士', '先生'))}"


def _flag_discriminatory(rng: Random, postings: list[DemoPosting]) -> list[DemoPosting]:
    """A handful of postings demand gender or 户籍: they stay in the data, flagged for a reviewer."""
    candidates = [
        i
        for i, p in enumerate(postings)
        if p.status is PostingStatus.OPEN and p.review_state is ReviewState.APPROVED and p.majors_any
    ]
    out = list(postings)
    chosen = sorted(rng.sample(candidates, len(jobs.DISCRIMINATORY)))
    for i, (phrases, sentence) in zip(chosen, jobs.DISCRIMINATORY, strict=True):
        p = out[i]
        out[i] = replace(
            p, description=p.description + sentence, review_state=ReviewState.FLAGGED, discrimination=phrases
        )
    return out
