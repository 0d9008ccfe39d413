"""Believable Vietnamese demo accounts and rounds (development only; never in production)."""

# (email, full name, organisation, roles, applicant kind, province)
STAFF = [
    ("admin@demo.gov.vn", "Nguyễn Văn Quản", "Trung tâm Chuyển đổi số", ["admin"]),
    ("thuky@demo.gov.vn", "Trần Thị Thu", "Văn phòng ASOEN Việt Nam", ["secretariat"]),
    ("lanhdao@demo.gov.vn", "Lê Minh Đức", "Bộ Nông nghiệp và Môi trường", ["approver"]),
    ("thanhtra@demo.gov.vn", "Phạm Thị Hồng", "Thanh tra Bộ", ["auditor"]),
    ("chutich@demo.gov.vn", "Võ Quốc Bảo", "Viện Khoa học Môi trường", []),
    ("giamkhao1@demo.gov.vn", "Đặng Thu Hà", "Trường Đại học Khoa học Tự nhiên", []),
    ("giamkhao2@demo.gov.vn", "Hoàng Văn Nam", "Trung tâm Giáo dục Môi trường", []),
    ("giamkhao3@demo.gov.vn", "Bùi Thị Lan", "Hội Bảo vệ Thiên nhiên và Môi trường", []),
]

# (email, full name, organisation, endorser scopes [(province, programme)])
ENDORSERS = [
    ("sogd.hanoi@demo.gov.vn", "Ngô Thị Phương", "Sở Giáo dục và Đào tạo Hà Nội", [("ha-noi-34", "eco_school")]),
    ("tinhdoan.hanoi@demo.gov.vn", "Trịnh Đức Anh", "Thành đoàn Hà Nội", [("ha-noi-34", "youth")]),
    ("sogd.danang@demo.gov.vn", "Phan Thị Kim Liên", "Sở Giáo dục và Đào tạo Đà Nẵng", [("da-nang-34", "eco_school")]),
    ("tinhdoan.danang@demo.gov.vn", "Huỳnh Tấn Phát", "Thành đoàn Đà Nẵng", [("da-nang-34", "youth")]),
    ("sogd.khanhhoa@demo.gov.vn", "Lê Văn Thành", "Sở Giáo dục và Đào tạo Khánh Hòa", [("khanh-hoa-34", "eco_school")]),
    ("sogd.cantho@demo.gov.vn", "Nguyễn Thanh Tâm", "Sở Giáo dục và Đào tạo Cần Thơ", [("can-tho-34", "eco_school")]),
    ("sogd.haiphong@demo.gov.vn", "Đinh Công Minh", "Sở Giáo dục và Đào tạo Hải Phòng",
     [("hai-phong-34", "eco_school")]),
]

# (email, full name, organisation, applicant kind, province, phone)
APPLICANTS = [
    ("truong.nguyentrai@demo.vn", "Đỗ Thị Thanh Hương", "Trường THCS Nguyễn Trãi", "school", "ha-noi-34",
     "0912 345 678"),
    ("mai.anh@demo.vn", "Nguyễn Thị Mai Anh", "Câu lạc bộ Sống xanh Hà Nội", "young_person", "ha-noi-34",
     "0987 654 321"),
    ("ubnd.danang@demo.vn", "Phan Văn Tùng", "Ủy ban nhân dân thành phố Đà Nẵng", "province_committee",
     "da-nang-34", "0236 3822 000"),
]

# More applicants, so that each dossier has its own account.
MORE_APPLICANTS = [
    ("truong.kimdong@demo.vn", "Lương Văn Hải", "Trường Tiểu học Kim Đồng", "school", "da-nang-34", "0236 3811 222"),
    ("truong.lequydon@demo.vn", "Nguyễn Thị Hoa", "Trường THPT Lê Quý Đôn", "school", "khanh-hoa-34", "0258 3822 333"),
    ("truong.hoabinh@demo.vn", "Trần Quốc Toản", "Trường THCS Hòa Bình", "school", "can-tho-34", "0292 3833 444"),
    ("truong.bachdang@demo.vn", "Phạm Minh Châu", "Trường Tiểu học Bạch Đằng", "school", "hai-phong-34",
     "0225 3844 555"),
    ("truong.chuvanan@demo.vn", "Vũ Thị Ngọc", "Trường THPT Chu Văn An", "school", "ha-noi-34", "024 3845 666"),
    ("clb.sontra@demo.vn", "Võ Thị Sáu", "Câu lạc bộ Xanh Sơn Trà", "youth_nominator", "da-nang-34",
     "0236 3890 777"),
    ("ubnd.hue@demo.vn", "Lê Thị Thu Thủy", "Ủy ban nhân dân thành phố Huế", "province_committee", "hue-34",
     "0234 3822 888"),
]

# Rounds per programme: (edition, year, state, theme_vi, theme_en). A past round closed in 2025 after
# the provinces merged, so its dossiers carry the 34 provinces.
ROUNDS = {
    "eco_school": [
        (1, 2025, "approved", "Trường học xanh – hành động vì môi trường", "Green schools acting for the environment"),
        (2, 2026, "open", "Trường học xanh vì tương lai bền vững", "Green schools for a sustainable future"),
        (3, 2027, "draft", "", ""),
    ],
    "youth": [
        (1, 2025, "scoring", "Thanh niên tiên phong giảm rác thải nhựa", "Youth leading on plastic waste"),
        (2, 2026, "open", "Thanh niên hành động vì khí hậu", "Youth acting for the climate"),
        (3, 2027, "draft", "", ""),
    ],
    "city": [
        (1, 2026, "open", "Đô thị xanh, sạch, tuần hoàn", "Green, clean and circular cities"),
        (2, 2027, "draft", "", ""),
    ],
}
# The council of each round that has one: the chair first.
COUNCIL_MEMBERS = ["chutich@demo.gov.vn", "giamkhao1@demo.gov.vn", "giamkhao2@demo.gov.vn", "giamkhao3@demo.gov.vn"]
COUNCILS = [("eco_school", 1), ("youth", 1), ("eco_school", 2)]


def _school(name, level, pupils, teachers, address, province, principal, contact):
    return {"school_name": name, "level": level, "pupils": pupils, "teachers": teachers, "address": address,
            "province_id": province, "principal_name": principal, "principal_contact": contact}


def _youth(name, birth, email, province, fields, years, achievements, nominator_kind, nominator, contact):
    return {"nominee_name": name, "date_of_birth": birth, "citizenship": "VN", "nominee_email": email,
            "nominee_phone": "", "province_id": province, "fields_of_work": fields, "years_active": years,
            "achievements": achievements, "nominator_kind": nominator_kind, "nominator_name": nominator,
            "nominator_contact": contact, "referee_1_name": "PGS.TS. Trần Thị Lan",
            "referee_1_contact": "lan.tran@vnu.edu.vn", "referee_2_name": "Ông Phạm Văn Đức",
            "referee_2_contact": "0903 111 222"}


def _city(name, province, population, area, outcomes, narrative):
    return {"city_name": name, "province_id": province, "population": population, "area_km2": area,
            "outcomes": outcomes, "narrative": narrative}


# Dossiers per round: (applicant e-mail, details, how far it goes, the jurors' points per criterion).
DOSSIERS = {
    ("eco_school", 1): [
        ("truong.nguyentrai@demo.vn", _school("Trường THCS Nguyễn Trãi", "thcs", 812, 46,
                                              "Số 1 phố Nguyễn Trãi, Thanh Xuân", "ha-noi-34",
                                              "Đỗ Thị Thanh Hương", "0912 345 678"),
         "scored", [(22, 24, 23, 21), (20, 22, 21, 20), (23, 23, 22, 22), (21, 23, 22, 21)]),
        ("truong.hoabinh@demo.vn", _school("Trường THCS Hòa Bình", "thcs", 640, 38, "12 đường 30/4, Ninh Kiều",
                                           "can-tho-34", "Trần Quốc Toản", "0292 3833 444"),
         "scored", [(18, 17, 19, 16), (15, 18, 17, 19), (20, 16, 18, 18), (17, 18, 18, 17)]),
        ("truong.kimdong@demo.vn", _school("Trường Tiểu học Kim Đồng", "tieu_hoc", 520, 31, "45 Lê Duẩn, Hải Châu",
                                           "da-nang-34", "Lương Văn Hải", "0236 3811 222"),
         "scored", [(24, 23, 24, 22), (23, 22, 23, 23), (22, 24, 23, 24), (23, 23, 22, 23)]),
        ("truong.bachdang@demo.vn", _school("Trường Tiểu học Bạch Đằng", "tieu_hoc", 455, 27, "8 Trần Phú, Ngô Quyền",
                                            "hai-phong-34", "Phạm Minh Châu", "0225 3844 555"),
         "scored", [(12, 11, 13, 10), (14, 12, 11, 13), (11, 12, 12, 11), (13, 12, 12, 12)]),
        ("truong.lequydon@demo.vn", _school("Trường THPT Lê Quý Đôn", "thpt", 1180, 72, "67 Yersin, Nha Trang",
                                            "khanh-hoa-34", "Nguyễn Thị Hoa", "0258 3822 333"),
         "scored", [(19, 21, 20, 22), (21, 20, 22, 21), (20, 22, 21, 20), (22, 21, 20, 21)]),
        ("truong.chuvanan@demo.vn", _school("Trường THPT Chu Văn An", "thpt", 1320, 80, "10 Thụy Khuê, Tây Hồ",
                                            "ha-noi-34", "Vũ Thị Ngọc", "024 3845 666"),
         "ineligible", None),
    ],
    ("eco_school", 2): [
        ("truong.nguyentrai@demo.vn", _school("Trường THCS Nguyễn Trãi", "thcs", 830, 47,
                                              "Số 1 phố Nguyễn Trãi, Thanh Xuân", "ha-noi-34",
                                              "Đỗ Thị Thanh Hương", "0912 345 678"), "draft", None),
        ("truong.kimdong@demo.vn", _school("Trường Tiểu học Kim Đồng", "tieu_hoc", 540, 32, "45 Lê Duẩn, Hải Châu",
                                           "da-nang-34", "Lương Văn Hải", "0236 3811 222"), "submitted", None),
        ("truong.lequydon@demo.vn", _school("Trường THPT Lê Quý Đôn", "thpt", 1200, 74, "67 Yersin, Nha Trang",
                                            "khanh-hoa-34", "Nguyễn Thị Hoa", "0258 3822 333"), "endorsed", None),
    ],
    ("youth", 1): [
        ("mai.anh@demo.vn", _youth("Nguyễn Thị Mai Anh", "2001-04-12", "mai.anh@demo.vn", "ha-noi-34",
                                   ["waste", "cleanliness"], 4,
                                   "Sáng lập câu lạc bộ Sống xanh, thu gom 12 tấn rác nhựa ven sông Hồng.",
                                   "organisation", "Thành đoàn Hà Nội", "024 3825 1111"),
         "scoring", [(30, 17, 18, 13, 9), (28, 16, 17, 12, 8), None]),
        ("clb.sontra@demo.vn", _youth("Trần Văn Khoa", "1994-09-03", "khoa.tran@demo.vn", "da-nang-34",
                                           ["climate", "water"], 6,
                                           "Dẫn dắt dự án trồng 30 ha rừng ngập mặn và lắp pin mặt trời cho 40 hộ.",
                                           "organisation", "Câu lạc bộ Xanh Sơn Trà", "0236 3890 777"),
         "scoring", [(32, 18, 17, 14, 9), None, None]),
        ("clb.sontra@demo.vn", _youth("Lê Thị Bích Ngọc", "1998-01-20", "ngoc.le@demo.vn", "da-nang-34",
                                           ["biodiversity"], 3,
                                           "Khảo sát và bảo vệ quần thể voọc chà vá chân nâu ở bán đảo Sơn Trà.",
                                           "organisation", "Câu lạc bộ Xanh Sơn Trà", "0236 3890 777"),
         "scoring", [None, None, None]),
    ],
    ("youth", 2): [
        ("mai.anh@demo.vn", _youth("Nguyễn Thị Mai Anh", "2001-04-12", "mai.anh@demo.vn", "ha-noi-34",
                                   ["waste", "cleanliness"], 5,
                                   "Mở rộng mô hình đổi rác lấy cây xanh ra 15 phường.",
                                   "organisation", "Thành đoàn Hà Nội", "024 3825 1111"), "draft", None),
    ],
    ("city", 1): [
        ("ubnd.danang@demo.vn", _city("Thành phố Đà Nẵng", "da-nang-34", 1_220_000, 1285.4,
                                      ["esc", "clean_air", "circular_economy"],
                                      "Tỷ lệ thu gom chất thải rắn 98 %, 70 % nước thải được xử lý, 42 trạm quan "
                                      "trắc không khí tự động."), "submitted", None),
        ("ubnd.hue@demo.vn", _city("Thành phố Huế", "hue-34", 652_000, 265.99, ["clean_water", "biodiversity"],
                                   "Bảo tồn hệ sinh thái đầm phá Tam Giang – Cầu Hai, 35 % diện tích phủ xanh."),
         "draft", None),
    ],
}

# What a city's submitted entries hold: per outcome, its narrative and one indicator value (the first of the
# round's catalogue for that outcome), measured the year before the round.
CITY_ENTRIES = {
    "esc": ("Thu gom 98 % chất thải rắn sinh hoạt, xử lý 70 % nước thải đô thị; 42 trạm quan trắc không khí tự động "
            "công bố số liệu hằng giờ.", "98"),
    "clean_air": ("Số ngày vượt quy chuẩn PM10 giảm từ 21 ngày (2021) xuống 6 ngày (2025) nhờ chuyển đổi xe buýt "
                  "điện và kiểm soát bụi công trường.", "6"),
    "clean_land": ("Thu gom chất thải rắn tại 100 % phường, xã; bãi chôn lấp Khánh Sơn được đóng cửa và cải tạo.",
                   "97.5"),
    "clean_water": ("99 % dân số được cấp nước sạch đạt chuẩn; ba nhà máy xử lý nước thải mới.", "99"),
    "biodiversity": ("Tỷ lệ phủ xanh đô thị đạt 36 %, bảo tồn bán đảo Sơn Trà và rừng ngập mặn.", "36"),
    "circular_economy": ("Phân loại rác tại nguồn ở 56 phường; 35 % chất thải được tái sử dụng, tái chế.", "35"),
}

# The decision approving the past eco-school round.
DECISION = {"number": "1520/QĐ-BNNMT", "signed_on": "2025-12-15", "signer_name": "Lê Minh Đức",
            "signer_title": "KT. BỘ TRƯỞNG - THỨ TRƯỞNG"}

MINUTES = ("Hội đồng xét chọn họp ngày 05/12/2025 tại Hà Nội, có mặt đủ 4/4 thành viên. Hội đồng đã xem xét bảng "
           "xếp hạng do Ban Thư ký tổng hợp từ phiếu chấm của các thành viên, thống nhất đề xuất danh sách trao giải "
           "và đề cử lên ASEAN như kèm theo. Biểu quyết: 4/4 thành viên tán thành.")

# The package to ASEAN of the approved eco-school round: the call, each nominee's English, and ASEAN's result.
ASEAN_CALL = {"organiser_en": "Ministry of Agriculture and Environment",
              "addressee": "ASEAN Secretariat, Environment Division",
              "signer_name": "Hoàng Văn Thức", "signer_title": "Director General, ASOEN Viet Nam focal point",
              "exclude_winners": True}
ASEAN_ENGLISH_NAMES = {
    "Trường THCS Nguyễn Trãi": "Nguyen Trai Lower Secondary School",
    "Trường Tiểu học Kim Đồng": "Kim Dong Primary School",
    "Trường THPT Lê Quý Đôn": "Le Quy Don Upper Secondary School",
}
ASEAN_RESULT = {"school": "Trường Tiểu học Kim Đồng", "outcome": "award",
                "meeting": "Lễ trao Giải thưởng Trường học sinh thái ASEAN lần thứ 7 (AWGEE)",
                "reference": "AWGEE-2026/ES-07", "decided_on": "2026-10-20"}
