"""The demo school as plain values: what `generate` returns and `seed` writes (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from bot.domain import EducationLevel, PostingStatus, Preference, ReviewState, Role


@dataclass(frozen=True, slots=True)
class DemoCollege:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class DemoMajor:
    code: str  # national catalogue code, e.g. 101101K (本科) or 520201 (高职专科)
    name: str
    class_code: str  # 专业类, e.g. 1011
    class_name: str
    category_code: str  # 门类 / 专科大类, e.g. 10
    category_name: str
    level: EducationLevel
    years: int  # 学制, to derive the entry year from the cohort
    college_code: str
    short: str  # how class names abbreviate it: 护理2201
    family: str  # the job family its graduates look for (see jobs.FAMILIES)


@dataclass(frozen=True, slots=True)
class DemoClass:
    name: str
    college_code: str
    major_code: str
    cohort: int  # 届别 = graduation year
    counselor: str  # username of the counselor in charge


@dataclass(frozen=True, slots=True)
class Truth:
    """What a graduate really wants; hidden from the product, used to label matching quality."""

    city_adcodes: tuple[str, ...]  # 1-2 preferred cities (city-level adcodes)
    province_adcodes: tuple[str, ...]  # provinces they would accept
    anywhere: bool  # would go anywhere for the right job
    industry_codes: tuple[str, ...]
    keywords: tuple[str, ...]  # position words, matched against a posting's title and description
    salary_floor: int  # yuan per month


@dataclass(frozen=True, slots=True)
class DemoStatus:
    """An initial 毕业去向 record, as if imported from last month's ledger."""

    destination_code: str
    on: date
    unplaced_reason: str | None = None
    employer_name: str | None = None
    employer_credit_code: str | None = None
    employer_nature_code: str | None = None
    industry_code: str | None = None
    place_adcode: str | None = None
    place_text: str | None = None
    study_country: str | None = None  # 留学国家地区, for 85

    @property
    def placed(self) -> bool:
        return self.destination_code not in ("70", "71", "72")


@dataclass(frozen=True, slots=True)
class DemoGraduate:
    student_no: str
    exam_no: str
    name: str
    gender: str  # 男 / 女 (national reporting only)
    birth_date: date
    id_number: str
    phone: str
    education: EducationLevel
    cohort: int
    college_code: str
    major_code: str
    class_name: str
    origin_adcode: str  # 生源地 (county level); also the ID number's region
    hardship_mask: int
    flag_poverty: bool
    flag_dibao: bool
    flag_zero_employment: bool
    flag_disability: bool
    truth: Truth
    stated: Preference | None  # None: said nothing yet (~15%)
    stated_text: str | None  # the stated preference in the graduate's words
    status: DemoStatus | None

    @property
    def is_hardship(self) -> bool:
        return bool(
            self.hardship_mask
            or self.flag_poverty
            or self.flag_dibao
            or self.flag_zero_employment
            or self.flag_disability
        )

    @property
    def binding_secret(self) -> str:
        """What the graduate types to bind a chat account (Settings.binding_secret = id_last6)."""
        return self.id_number[-6:]


@dataclass(frozen=True, slots=True)
class DemoEmployer:
    name: str
    credit_code: str
    nature_code: str
    industry_code: str
    adcode: str  # city (or district) the employer sits in
    kind: str  # jobs.EMPLOYER_KINDS key


@dataclass(frozen=True, slots=True)
class DemoPosting:
    key: str  # posting_key, stable: demo-0001
    employer_name: str
    title: str
    description: str
    place_text: str
    adcode: str | None  # None with nationwide=True: 全国
    nationwide: bool
    industry_code: str
    majors_any: bool
    accepted_majors: tuple[str, ...]  # major codes or 专业类 codes
    majors_text: str
    min_education: EducationLevel
    salary_min: int | None  # None: 面议
    salary_max: int | None
    salary_months: int | None
    salary_text: str
    headcount: int
    published_on: date
    deadline: date
    contact: str
    status: PostingStatus
    review_state: ReviewState
    discrimination: tuple[str, ...]  # phrases that demand gender / 户籍 etc. (flagged for review)


@dataclass(frozen=True, slots=True)
class DemoStaff:
    username: str
    display_name: str
    role: Role
    password: str  # demo-only, deterministic; the seed stores only its argon2 hash
    college_code: str | None
    classes: tuple[str, ...]


@dataclass(frozen=True)
class DemoSchool:
    seed: int
    today: date
    name: str
    colleges: tuple[DemoCollege, ...]
    majors: tuple[DemoMajor, ...]
    classes: tuple[DemoClass, ...]
    staff: tuple[DemoStaff, ...]
    graduates: tuple[DemoGraduate, ...]
    employers: tuple[DemoEmployer, ...]
    postings: tuple[DemoPosting, ...]

    @cached_property
    def major_by_code(self) -> dict[str, DemoMajor]:
        return {m.code: m for m in self.majors}

    @cached_property
    def employer_by_name(self) -> dict[str, DemoEmployer]:
        return {e.name: e for e in self.employers}

    @cached_property
    def graduate_by_student_no(self) -> dict[str, DemoGraduate]:
        return {g.student_no: g for g in self.graduates}

    @cached_property
    def posting_by_key(self) -> dict[str, DemoPosting]:
        return {p.key: p for p in self.postings}
