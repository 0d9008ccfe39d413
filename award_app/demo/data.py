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

# Rounds per programme: (edition, year, state, theme_vi, theme_en)
ROUNDS = {
    "eco_school": [
        (1, 2026, "open", "Trường học xanh vì tương lai bền vững", "Green schools for a sustainable future"),
        (2, 2027, "draft", "", ""),
    ],
    "youth": [
        (1, 2026, "open", "Thanh niên hành động vì khí hậu", "Youth acting for the climate"),
        (2, 2027, "draft", "", ""),
    ],
    "city": [
        (1, 2026, "open", "Đô thị xanh, sạch, tuần hoàn", "Green, clean and circular cities"),
        (2, 2027, "draft", "", ""),
    ],
}
# The council of the open eco-school round: the chair first.
COUNCIL = ("eco_school", 1, ["chutich@demo.gov.vn", "giamkhao1@demo.gov.vn", "giamkhao2@demo.gov.vn",
                             "giamkhao3@demo.gov.vn"])
