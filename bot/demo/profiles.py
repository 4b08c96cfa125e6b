"""The demo school as the matching engine's inputs (bot.domain profiles), without a database (pure).

Ids are 1-based positions: graduate i is `school.graduates[i - 1]`, posting j is `school.postings[j - 1]`,
employer e is `school.employers[e - 1]`; `relevant_postings` answers in posting keys, `posting_key_of` maps back.
Graduates who stated nothing get an empty `Preference`, exactly as an engine would see them.
"""

from __future__ import annotations

from bot.demo.generator import is_open
from bot.demo.model import DemoGraduate, DemoSchool
from bot.domain import GraduateProfile, PostingProfile, Preference


def graduate_profile(school: DemoSchool, graduate: DemoGraduate, profile_id: int) -> GraduateProfile:
    major = school.major_by_code[graduate.major_code]
    status = graduate.status
    return GraduateProfile(
        id=profile_id,
        education=graduate.education,
        major_code=major.code,
        major_class_code=major.class_code,
        major_category_code=major.category_code,
        origin_adcode=graduate.origin_adcode,
        hardship=graduate.is_hardship,
        unplaced_since=status.on if status is not None and not status.placed else None,
        preference=graduate.stated or Preference(),
        major_name=major.name,
    )


def graduate_profiles(school: DemoSchool) -> list[GraduateProfile]:
    return [graduate_profile(school, g, i) for i, g in enumerate(school.graduates, start=1)]


def posting_profiles(school: DemoSchool, *, open_only: bool = True) -> list[PostingProfile]:
    """Profiles of the postings (by default only those open on `school.today`, as the engine's filter would)."""
    employer_ids = {e.name: i for i, e in enumerate(school.employers, start=1)}
    natures = {e.name: e.nature_code for e in school.employers}
    return [
        PostingProfile(
            id=j,
            employer_id=employer_ids[p.employer_name],
            title=p.title,
            description=p.description,
            adcode=p.adcode,
            industry_code=p.industry_code,
            employer_nature=natures[p.employer_name],
            min_education=p.min_education,
            majors_any=p.majors_any,
            accepted_majors=p.accepted_majors,
            salary_min=p.salary_min,
            salary_max=p.salary_max,
            headcount=p.headcount,
            published_on=p.published_on,
            deadline=p.deadline,
        )
        for j, p in enumerate(school.postings, start=1)
        if not open_only or is_open(p, school.today)
    ]


def posting_key_of(school: DemoSchool, profile_id: int) -> str:
    return school.postings[profile_id - 1].key
