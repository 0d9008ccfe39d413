"""The rule book's reference data for each programme (../shared/domain/awards.md).

Values marked [rule] were read in a published source; the others are [default] settings that a
round copies and the secretariat may change.
"""

ORGANISER_SINCE_2025_03 = "Bộ Nông nghiệp và Môi trường"  # [rule] since 1 Mar 2025

FILE_KINDS = "pdf,jpeg,png,docx"
PHOTO_KINDS = "jpeg,png"


def _criterion(code, name_vi, name_en, max_points, description_vi="", description_en=""):
    return {
        "code": code, "name_vi": name_vi, "name_en": name_en, "max_points": max_points,
        "description_vi": description_vi, "description_en": description_en,
    }


def _item(code, name_vi, name_en, accepted, required=True, min_count=1, max_count=None,
          identifying=False, per_criterion=False):
    return {
        "code": code, "name_vi": name_vi, "name_en": name_en, "accepted": accepted,
        "required": required, "min_count": min_count if required else 0, "max_count": max_count,
        "identifying": identifying, "per_criterion": per_criterion,
    }


THRESHOLDS = {"prize_threshold": 50, "asean_threshold": 70, "spread_flag_points": 20}

ECO_SCHOOL = {
    "endorsement_required": True,
    "blind": False,
    **THRESHOLDS,
    "rubrics": [
        {
            "code": "eco_school", "name_vi": "Tiêu chí Trường học sinh thái ASEAN",
            "name_en": "ASEAN Eco-schools criteria",
            # [rule] the four areas of the ASEAN Guidelines on Eco-schools; points [default]
            "criteria": [
                _criterion("policy", "Chính sách và quản lý nhà trường", "School policy and administration", 25,
                           "Chính sách, kế hoạch và bộ máy của nhà trường về bảo vệ môi trường.",
                           "The school's environmental policy, plans and organisation."),
                _criterion("curriculum", "Chương trình giảng dạy và hoạt động học tập",
                           "Teaching modules and learning activities", 25,
                           "Lồng ghép giáo dục môi trường vào bài giảng và hoạt động ngoại khóa.",
                           "Environmental education in lessons and extra-curricular activities."),
                _criterion("facilities", "Cơ sở vật chất và thực hành môi trường",
                           "Facilities and environmental practices", 25,
                           "Quản lý chất thải, năng lượng, nước và khuôn viên xanh.",
                           "Management of waste, energy, water and green grounds."),
                _criterion("partnership", "Hợp tác và tiếp cận cộng đồng", "Partnership and community outreach", 25,
                           "Phối hợp với phụ huynh, cộng đồng và các tổ chức.",
                           "Work with parents, the community and organisations."),
            ],
        }
    ],
    # [rule] national prizes per level; ASEAN categories Primary (tiểu học), Secondary (THCS, THPT)
    "groups": [
        {"code": "tieu_hoc", "name_vi": "Tiểu học", "name_en": "Primary school (grades 1–5)",
         "rubric": "eco_school", "asean_category": "primary"},
        {"code": "thcs", "name_vi": "Trung học cơ sở", "name_en": "Lower secondary school (grades 6–9)",
         "rubric": "eco_school", "asean_category": "secondary"},
        {"code": "thpt", "name_vi": "Trung học phổ thông", "name_en": "Upper secondary school (grades 10–12)",
         "rubric": "eco_school", "asean_category": "secondary"},
    ],
    # [rule] 1 Primary + 1 Secondary school per country
    "quotas": [
        {"category": "primary", "name_vi": "Tiểu học (Primary)", "name_en": "Primary", "count": 1},
        {"category": "secondary", "name_vi": "Trung học (Secondary)", "name_en": "Secondary", "count": 1},
    ],
    # [rule] tiers; counts [default]
    "tiers": [
        {"code": "nhat", "name_vi": "Giải Nhất", "name_en": "First prize", "count_per_group": 1},
        {"code": "nhi", "name_vi": "Giải Nhì", "name_en": "Second prize", "count_per_group": 2},
        {"code": "ba", "name_vi": "Giải Ba", "name_en": "Third prize", "count_per_group": 3},
        {"code": "khuyen_khich", "name_vi": "Giải Khuyến khích", "name_en": "Encouragement prize",
         "count_per_group": 4},
        {"code": "sang_tao", "name_vi": "Giải Sáng tạo", "name_en": "Creativity prize", "count_per_group": 1,
         "by_rank": False},
    ],
    "checklist": [
        _item("registration_form", "Phiếu đăng ký có chữ ký của Hiệu trưởng",
              "Registration form signed by the principal", "pdf", max_count=1, identifying=True),
        _item("self_assessment", "Báo cáo tự đánh giá", "Self-assessment report", "pdf,docx", max_count=1),
        _item("evidence", "Minh chứng theo tiêu chí", "Evidence per criterion", FILE_KINDS, per_criterion=True),
        _item("video", "Đường dẫn video giới thiệu", "Video link", "link", required=False, max_count=1),
    ],
}

YOUTH = {
    "endorsement_required": True,
    "blind": False,
    **THRESHOLDS,
    "rubrics": [
        {
            "code": "youth", "name_vi": "Tiêu chí Thanh niên môi trường ASEAN",
            "name_en": "ASEAN Youth Eco-Champions criteria",
            "criteria": [
                _criterion("impact", "Tác động và kết quả về môi trường", "Environmental impact and results", 35),
                _criterion("engagement", "Sự tham gia bền bỉ", "Sustained engagement", 20),
                _criterion("leadership", "Lan tỏa và năng lực dẫn dắt", "Outreach and leadership", 20),
                _criterion("innovation", "Tính sáng tạo và khả năng nhân rộng", "Innovation and replicability", 15),
                _criterion("evidence", "Chất lượng minh chứng và thư giới thiệu",
                           "Quality of evidence and testimonials", 10),
            ],
        }
    ],
    # [rule] Junior 18–25 and Senior 26–35 by age on the closing date; 1 + 1 to ASEAN
    "groups": [
        {"code": "junior", "name_vi": "Nhóm 18–25 tuổi (Junior)", "name_en": "Junior (18–25)",
         "rubric": "youth", "asean_category": "junior"},
        {"code": "senior", "name_vi": "Nhóm 26–35 tuổi (Senior)", "name_en": "Senior (26–35)",
         "rubric": "youth", "asean_category": "senior"},
    ],
    "quotas": [
        {"category": "junior", "name_vi": "Junior (18–25)", "name_en": "Junior (18–25)", "count": 1},
        {"category": "senior", "name_vi": "Senior (26–35)", "name_en": "Senior (26–35)", "count": 1},
    ],
    "tiers": [
        {"code": "selected", "name_vi": "Giải thưởng cấp quốc gia", "name_en": "the national award",
         "count_per_group": 1},
        {"code": "honourable", "name_vi": "Giải Tuyên dương", "name_en": "an honourable mention",
         "count_per_group": 2},
    ],
    # [rule] CV, at least 2 reference letters, 1 profile photo, at least 5 action photos
    # Identifying (withheld from jurors in a blind round): the forms name the nominee and nominator, the
    # CV, photo and publications the nominee, the letters the referees.
    "checklist": [
        _item("nomination_form", "Phiếu đề cử", "Nomination form", "pdf", max_count=1, identifying=True),
        _item("cv", "Sơ yếu lý lịch (CV)", "Curriculum vitae", "pdf,docx", max_count=1, identifying=True),
        _item("reference_letters", "Thư giới thiệu (không phải của người đề cử)",
              "Reference letters (not from the nominator)", "pdf,docx", min_count=2, identifying=True),
        _item("profile_photo", "Ảnh chân dung", "Profile photo", PHOTO_KINDS, max_count=1, identifying=True),
        _item("action_photos", "Ảnh hoạt động", "Action photos", PHOTO_KINDS, min_count=5),
        _item("publications", "Ấn phẩm, giải thưởng, bài báo", "Publications, awards, media coverage",
              FILE_KINDS, required=False, identifying=True),
    ],
}

ESC_CRITERIA = [
    _criterion("quality", "Kết quả chất lượng môi trường", "Environmental quality results", 30),
    _criterion("policies", "Chính sách và kế hoạch", "Policies and plans", 20),
    _criterion("capacity", "Năng lực thể chế và tài chính", "Institutional capacity and finance", 15),
    _criterion("participation", "Sự tham gia của cộng đồng", "Community participation", 15),
    _criterion("innovation", "Đổi mới và khả năng nhân rộng", "Innovation and replicability", 10),
    _criterion("evidence", "Chất lượng minh chứng", "Quality of evidence", 10),
]
COR_CRITERIA = [
    _criterion("indicators", "Kết quả các chỉ số", "Indicator performance", 40),
    _criterion("trend", "Xu hướng và mức cải thiện", "Trend and improvement", 20),
    _criterion("policies", "Chính sách và chương trình", "Policies and programmes", 20),
    _criterion("participation", "Sự tham gia của cộng đồng", "Community participation", 10),
    _criterion("evidence", "Chất lượng minh chứng", "Quality of evidence", 10),
]
# [rule] 2025 CoR categories; size classes small 20,000–749,999 and big ≥ 750,000
COR_CATEGORIES = [
    ("clean_air", "Không khí sạch", "Clean Air"),
    ("clean_land", "Đất sạch", "Clean Land"),
    ("clean_water", "Nước sạch", "Clean Water"),
    ("biodiversity", "Đa dạng sinh học đô thị và không gian xanh", "Urban Biodiversity and Green Spaces"),
    ("circular_economy", "Kinh tế tuần hoàn", "Circular Economy"),
]
SIZE_CLASSES = [("small", "đô thị nhỏ", "small city"), ("big", "đô thị lớn", "big city")]


def _cor_groups():
    for code, name_vi, name_en in COR_CATEGORIES:
        for size, size_vi, size_en in SIZE_CLASSES:
            yield {
                "code": f"cor_{code}_{size}",
                "name_vi": f"Chứng nhận công nhận – {name_vi} ({size_vi})",
                "name_en": f"Certificate of Recognition – {name_en} ({size_en})",
                "rubric": "cor",
                "asean_category": f"cor_{code}_{size}",
            }


# Indicator catalogue per outcome; examples from the ESC Award and CoR criteria [rule], units [default].
CITY_INDICATORS = {
    "esc": [
        ("Tỷ lệ chất thải rắn sinh hoạt được thu gom", "Household solid waste collected", "%"),
        ("Tỷ lệ nước thải đô thị được xử lý", "Urban wastewater treated", "%"),
        ("Diện tích cây xanh bình quân đầu người", "Green space per inhabitant", "m²/người"),
    ],
    "clean_air": [
        ("Số ngày vượt quy chuẩn PM10", "Days exceeding the PM10 standard", "ngày/năm"),
        ("Số ngày vượt quy chuẩn NO2", "Days exceeding the NO2 standard", "ngày/năm"),
        ("Tỷ lệ phương tiện đạt kiểm định khí thải", "Vehicle emission test pass rate", "%"),
    ],
    "clean_land": [
        ("Tỷ lệ chất thải rắn được thu gom", "Solid waste collection rate", "%"),
        ("Tỷ lệ chất thải được tái chế", "Waste recycling rate", "%"),
    ],
    "clean_water": [
        ("Tỷ lệ dân số được cấp nước đạt chuẩn WHO", "Population supplied with water meeting WHO standards", "%"),
        ("Tỷ lệ nước thải được xử lý", "Wastewater treated", "%"),
    ],
    "biodiversity": [
        ("Tỷ lệ phủ xanh đô thị", "Urban green cover", "%"),
        ("Diện tích công viên, mặt nước công cộng", "Public parks and water surfaces", "ha"),
    ],
    "circular_economy": [
        ("Tỷ lệ chất thải được tái sử dụng, tái chế", "Waste reused or recycled", "%"),
        ("Số cơ sở sản xuất áp dụng kinh tế tuần hoàn", "Businesses applying circular practices", "cơ sở"),
    ],
}

CITY = {
    "endorsement_required": False,  # the proposer is already the province
    "blind": False,  # ESC rounds are never blind
    **THRESHOLDS,
    "rubrics": [
        {"code": "esc", "name_vi": "Tiêu chí Giải thưởng ESC", "name_en": "ESC Award criteria",
         "criteria": ESC_CRITERIA},
        {"code": "cor", "name_vi": "Tiêu chí Chứng nhận công nhận", "name_en": "Certificate of Recognition criteria",
         "criteria": COR_CRITERIA},
    ],
    "groups": [
        {"code": "esc", "name_vi": "Giải thưởng Thành phố bền vững về môi trường ASEAN (ESC)",
         "name_en": "ASEAN ESC Award", "rubric": "esc", "asean_category": "esc"},
        *_cor_groups(),
    ],
    # [rule] 1 ESC city; CoR at most 1 big + 1 small city per category
    "quotas": [
        {"category": "esc", "name_vi": "Giải thưởng ESC", "name_en": "ESC Award", "count": 1},
        *(
            {"category": g["code"], "name_vi": g["name_vi"], "name_en": g["name_en"], "count": 1}
            for g in _cor_groups()
        ),
    ],
    "tiers": [
        {"code": "selected", "name_vi": "Giải thưởng cấp quốc gia", "name_en": "the national award",
         "count_per_group": 1},
    ],
    "indicators": [
        {"outcome": outcome, "name_vi": name_vi, "name_en": name_en, "unit": unit}
        for outcome, rows in CITY_INDICATORS.items() for name_vi, name_en, unit in rows
    ],
    "checklist": [
        _item("application_letter", "Công văn đề nghị của UBND tỉnh",
              "Application letter from the provincial People's Committee", "pdf", max_count=1),
        _item("city_profile", "Hồ sơ giới thiệu đô thị", "City profile", "pdf,docx", required=False, max_count=1),
    ],
}

PROGRAMMES = [
    {"code": "eco_school", "position": 1, "ref_prefix": "ES",
     "name_vi": "Giải thưởng Trường học sinh thái ASEAN", "name_en": "ASEAN Eco-schools Award",
     "defaults": ECO_SCHOOL},
    {"code": "youth", "position": 2, "ref_prefix": "YE",
     "name_vi": "Giải thưởng Thanh niên môi trường ASEAN", "name_en": "ASEAN Youth Eco-Champions Award",
     "defaults": YOUTH},
    {"code": "city", "position": 3, "ref_prefix": "SC",
     "name_vi": "Giải thưởng Thành phố bền vững về môi trường ASEAN",
     "name_en": "ASEAN Environmentally Sustainable City Award",
     "defaults": CITY},
]

# Public holidays and make-up working Saturdays (ngày làm bù) for civil servants, as announced;
# the secretariat corrects them on the calendar page.
CALENDAR = [
    ("2025-01-01", "holiday", "Tết Dương lịch", "New Year's Day"),
    *((f"2025-01-{d}", "holiday", "Tết Nguyên đán", "Lunar New Year (Tết)") for d in (27, 28, 29, 30, 31)),
    ("2025-04-07", "holiday", "Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    ("2025-04-26", "makeup_workday", "Làm bù cho ngày 02/5/2025", "Make-up working day for 2 May 2025"),
    ("2025-04-30", "holiday", "Ngày Giải phóng miền Nam", "Reunification Day"),
    ("2025-05-01", "holiday", "Ngày Quốc tế Lao động", "International Labour Day"),
    ("2025-05-02", "holiday", "Nghỉ hoán đổi", "Swapped day off"),
    ("2025-09-01", "holiday", "Quốc khánh", "National Day"),
    ("2025-09-02", "holiday", "Quốc khánh", "National Day"),
    ("2026-01-01", "holiday", "Tết Dương lịch", "New Year's Day"),
    *((f"2026-02-{d}", "holiday", "Tết Nguyên đán", "Lunar New Year (Tết)") for d in (16, 17, 18, 19, 20)),
    ("2026-04-27", "holiday", "Nghỉ bù Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day (in lieu)"),
    ("2026-04-30", "holiday", "Ngày Giải phóng miền Nam", "Reunification Day"),
    ("2026-05-01", "holiday", "Ngày Quốc tế Lao động", "International Labour Day"),
    ("2026-09-01", "holiday", "Quốc khánh", "National Day"),
    ("2026-09-02", "holiday", "Quốc khánh", "National Day"),
]
