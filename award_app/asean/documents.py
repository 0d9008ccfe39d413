"""The English documents of the package: the nomination form in ASEAN's structure and the focal point's cover
letter, drawn by WeasyPrint as the decision and minutes are (exports/documents.py), from plain values; and the
national decision itself."""

from datetime import date
from functools import cache

from flask import render_template
from flask_babel import force_locale

from award_app.clock import today_in_vietnam
from award_app.exports import documents as national
from award_app.nominations import programmes, rules
from award_app.nominations.forms import NOMINATOR_KINDS, YOUTH_FIELDS

PLACE = "Ha Noi"
COUNTRY = "Viet Nam"


@cache
def _fonts():
    from weasyprint.text.fonts import FontConfiguration  # heavy: imported on first use

    return FontConfiguration()


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the documents to ASEAN load nothing: {url}")


def render_pdf(template: str, **values) -> bytes:
    html = render_template(f"asean/{template}", **values)
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(font_config=_fonts())


def english_date(day: date | None) -> str:
    """15 December 2025."""
    return f"{day.day} {day.strftime('%B')} {day.year}" if day else ""


def national_decision(round_, decision, meeting) -> bytes:
    """The decision as the platform draws it (exports), when no signed scan was uploaded."""
    return national.decision_pdf(round_, meeting, decision)


def _tier_name(round_, code: str | None) -> str:
    tier = next((t for t in round_.tiers if t.code == code), None)
    return tier.name_en if tier else "ASEAN nominee"


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value or "")


def _choice_names(choices, values) -> str:
    names = {c.value: str(c.label) for c in choices}
    return ", ".join(names.get(v, v) for v in values or [])


def _facts(round_, nomination, nominee_entries) -> list[tuple[str, str]]:
    details = nomination.details or {}
    province = nomination.province.name if nomination.province else ""
    programme = round_.programme_code.value
    if programme == "eco_school":
        return [("School (national name)", nomination.display_name),
                ("Level entered", ", ".join(e.group.name_en for e in nominee_entries)),
                ("Pupils", _number(details.get("pupils"))), ("Teachers", _number(details.get("teachers"))),
                ("Address", details.get("address") or ""), ("Province or city", province),
                ("Principal", details.get("principal_name") or ""),
                ("Principal's contact", details.get("principal_contact") or ""),
                ("Video link", details.get("video_link") or "")]
    if programme == "youth":
        birth = date.fromisoformat(details["date_of_birth"]) if details.get("date_of_birth") else None
        age = rules.age_on(birth, programmes.closing_day(round_)) if birth and round_.closes_at else None
        return [("Nominee (national name)", nomination.display_name), ("Date of birth", english_date(birth)),
                ("Age on the closing date of nominations", str(age) if age is not None else ""),
                ("Citizenship", "Vietnamese" if details.get("citizenship") == "VN" else "Other"),
                ("E-mail", details.get("nominee_email") or ""), ("Phone", details.get("nominee_phone") or ""),
                ("Province or city of work", province),
                ("Fields of work", _choice_names(YOUTH_FIELDS, details.get("fields_of_work"))),
                ("Years active in environmental work", _number(details.get("years_active"))),
                ("Nominator", f"{details.get('nominator_name') or ''} "
                              f"({_choice_names(NOMINATOR_KINDS, [details.get('nominator_kind')])})"),
                ("Nominator's contact", details.get("nominator_contact") or "")]
    population = details.get("population")
    size = rules.size_class(population) if isinstance(population, int) else None
    return [("City or urban area (national name)", nomination.display_name), ("Province", province),
            ("Population", _number(population)), ("Size class", {"big": "big city (750,000 and more)",
                                                                  "small": "small city (20,000–749,999)"}.get(
                                                                      size or "", "")),
            ("Area (km²)", str(details.get("area_km2") or "")),
            ("Put forward for", ", ".join(e.group.name_en for e in nominee_entries))]


def _sections(round_, nomination, nominee_entries, english: dict, by: dict) -> list[dict]:
    def section(key: str, title: str, description: str = "") -> dict:
        return {"title": title, "description": description, "text": english.get(key, ""),
                "by_secretariat": by.get(key) == "secretariat"}

    programme = round_.programme_code.value
    if programme == "eco_school":
        criteria = [c for rubric in round_.rubrics for c in rubric.criteria]
        return [section(f"assessment_{c.code}", f"Area {n}: {c.name_en} ({c.max_points} points)",
                        c.description_en) for n, c in enumerate(criteria, start=1)]
    if programme == "youth":
        return [section("achievements", "Environmental achievements")]
    sections = [section("narrative", "Summary of the city's environmental results")]
    for entry in nominee_entries:
        item = section(f"entry_{entry.group.code}", entry.group.name_en)
        item["indicators"] = [(v.indicator.name_en, v.indicator.unit, v.year, f"{v.value.normalize():f}")
                              for v in entry.indicator_values]
        sections.append(item)
    return sections


def form_values(supplement, decision, nominees: list, attachments: list[str]) -> dict:
    """Plain English values of one nominee's nomination form in ASEAN's structure."""
    nomination = supplement.nomination
    round_ = nomination.round
    english, by = supplement.english or {}, supplement.english_by or {}
    entries = [n.entry for n in nominees]
    categories = {q.category: q.name_en for q in round_.quotas}
    with force_locale("en"):
        facts = _facts(round_, nomination, entries)
    testimonials = [d.author for d in supplement.documents if d.requirement.needs_author]
    return {
        "programme": round_.programme.name_en, "programme_code": round_.programme_code.value, "year": round_.year,
        "country": COUNTRY, "reference": nomination.reference or "",
        "name": english.get("name") or nomination.display_name, "name_by_secretariat": by.get("name") == "secretariat",
        "categories": [categories.get(n.category, n.category) for n in nominees],
        "national_results": [(n.entry.group.name_en, _tier_name(round_, n.tier_code)) for n in nominees],
        "facts": [(label, value) for label, value in facts if value],
        "sections": _sections(round_, nomination, entries, english, by), "testimonials": testimonials,
        "attachments": attachments, "organiser": supplement.call.organiser_en,
        "decision": f"Decision No. {decision.number} of {english_date(decision.signed_on)}",
    }


def letter_values(round_, call, decision, nominees: list, supplements: dict) -> dict:
    """Plain values of the focal point's cover letter."""
    categories = {q.category: q.name_en for q in round_.quotas}
    rows = []
    for nominee in nominees:
        nomination = nominee.nomination
        supplement = supplements.get(nomination.id)
        name = ((supplement.english or {}).get("name") if supplement else "") or nomination.display_name
        rows.append({"category": categories.get(nominee.category, nominee.category), "name": name,
                     "province": nomination.province.name if nomination.province else "",
                     "national": _tier_name(round_, nominee.tier_code)})
    return {
        "organiser": call.organiser_en, "organiser_vi": round_.organiser_name, "place": PLACE,
        "date": english_date(today_in_vietnam()), "addressee": call.addressee, "programme": round_.programme.name_en,
        "year": round_.year, "edition": round_.edition, "decision_number": decision.number,
        "decision_date": english_date(decision.signed_on), "decision_signer": decision.signer_name,
        "deadline": english_date(call.deadline), "signer_name": call.signer_name, "signer_title": call.signer_title,
        "nominees": rows, "country": COUNTRY,
    }
