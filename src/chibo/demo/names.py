"""Data for the demo province: people's names, places and the names of units in Bình Thuận.

Weights are relative frequencies. Family-name shares follow published Vietnamese surveys
(Nguyễn ~38%, Trần ~11%, Lê ~9.5% …); places are the province's districts, towns and
communes before the 2025 reorganization. Generated text (names of units, reasons) stays
Vietnamese: it is data, not interface, and is never translated.
"""

# --- people -------------------------------------------------------------------------------

FAMILY_NAMES: list[tuple[str, float]] = [
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Huỳnh", 2.9),
    ("Hoàng", 2.1), ("Phan", 4.5), ("Võ", 2.5), ("Vũ", 1.4), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Trương", 0.9),
    ("Đinh", 0.7), ("Đoàn", 0.6), ("Lâm", 0.5), ("Mai", 0.5), ("Trịnh", 0.4), ("Lương", 0.4),
    ("Hà", 0.4), ("Cao", 0.4), ("Châu", 0.3), ("Lưu", 0.3), ("Tạ", 0.2), ("Tô", 0.2),
    ("Thái", 0.2), ("Phùng", 0.2), ("Văn", 0.2), ("Kiều", 0.1), ("Lại", 0.1), ("Quách", 0.1),
    ("Tôn", 0.1), ("Từ", 0.1), ("La", 0.1), ("Nghiêm", 0.1), ("Triệu", 0.1), ("Khổng", 0.05),
    ("Âu", 0.05), ("Mạc", 0.05), ("Ông", 0.1), ("Thân", 0.05), ("Doãn", 0.05),
]  # fmt: skip

MIDDLE_NAMES_MALE: list[tuple[str, float]] = [
    ("Văn", 34), ("Minh", 9), ("Thanh", 7), ("Hữu", 7), ("Đức", 6), ("Quốc", 5), ("Công", 4),
    ("Tấn", 5), ("Ngọc", 3), ("Đình", 4), ("Xuân", 3), ("Hoàng", 3), ("Quang", 3), ("Trọng", 2),
    ("Anh", 2), ("Duy", 2), ("Thành", 2), ("Phước", 2), ("Nhật", 1), ("Gia", 1), ("Bảo", 1),
    ("Hồng", 1), ("Kim", 1), ("Trung", 1), ("Văn Minh", 0.5), ("Ngọc Anh", 0.3),
]  # fmt: skip

MIDDLE_NAMES_FEMALE: list[tuple[str, float]] = [
    ("Thị", 52), ("Ngọc", 7), ("Thanh", 5), ("Thu", 5), ("Kim", 4), ("Thị Thanh", 3),
    ("Thị Ngọc", 3), ("Minh", 3), ("Mỹ", 3), ("Phương", 2), ("Hồng", 2), ("Thùy", 2),
    ("Bích", 2), ("Hoài", 1), ("Khánh", 1), ("Diệu", 1), ("Bảo", 1), ("Hải", 1), ("Thị Kim", 1),
    ("Quỳnh", 1),
]  # fmt: skip

GIVEN_NAMES_MALE: list[tuple[str, float]] = [
    ("Hùng", 4), ("Dũng", 4), ("Tuấn", 4), ("Minh", 4), ("Hải", 3), ("Nam", 3), ("Long", 3),
    ("Sơn", 3), ("Thành", 3), ("Hưng", 3), ("Phúc", 2), ("Tài", 2), ("Trung", 3), ("Quang", 2),
    ("Hiếu", 2), ("Khoa", 1), ("Phong", 2), ("Tâm", 2), ("Thắng", 2), ("Cường", 2), ("Đức", 2),
    ("Bình", 2), ("Hòa", 2), ("Lộc", 2), ("Lâm", 1), ("Tùng", 2), ("Vinh", 2), ("Khánh", 2),
    ("Hoàng", 2), ("Huy", 3), ("Việt", 2), ("Toàn", 2), ("Nghĩa", 2), ("Quân", 2), ("Hậu", 1),
    ("Thịnh", 1), ("Bảo", 1), ("Duy", 1), ("Đạt", 2), ("Kiên", 1), ("Sang", 1), ("Tú", 1),
    ("Lợi", 1), ("Tín", 1), ("Nhân", 1), ("Trí", 1), ("Hiển", 1), ("Thuận", 1), ("Tiến", 2),
    ("Vũ", 1), ("Danh", 1), ("Định", 1), ("Đông", 1), ("Hào", 1), ("Hiệp", 1), ("Luân", 1),
    ("Mạnh", 1), ("Nguyên", 1), ("Phát", 1), ("Quý", 1), ("Tân", 1), ("Thái", 1), ("Thiện", 1),
    ("Thông", 1), ("Trọng", 1), ("Trường", 1), ("Tường", 1), ("Phương", 1), ("Chiến", 1),
    ("Công", 1), ("Dương", 1), ("Hạnh", 0.5), ("Khải", 0.5), ("Lực", 0.5), ("Ninh", 0.5),
    ("Sỹ", 0.5), ("Thạch", 0.5), ("Vĩnh", 0.5), ("Xuân", 0.5), ("Ân", 0.5), ("Được", 0.5),
]  # fmt: skip

GIVEN_NAMES_FEMALE: list[tuple[str, float]] = [
    ("Lan", 4), ("Hương", 4), ("Hoa", 3), ("Mai", 3), ("Linh", 3), ("Trang", 3), ("Hằng", 3),
    ("Thảo", 3), ("Ngọc", 2), ("Hà", 3), ("Nhung", 2), ("Phương", 2), ("Thủy", 3), ("Yến", 2),
    ("Huyền", 2), ("Dung", 2), ("Loan", 2), ("Hạnh", 2), ("Hồng", 2), ("Nga", 2), ("Oanh", 2),
    ("Thu", 2), ("Vân", 2), ("Xuân", 1), ("Liên", 2), ("Trinh", 1), ("Vy", 1), ("Nhi", 1),
    ("Anh", 2), ("Diễm", 1), ("Hiền", 2), ("Uyên", 1), ("Quyên", 1), ("Tuyết", 1), ("Thắm", 1),
    ("Nguyệt", 1), ("Ly", 1), ("Giang", 1), ("Châu", 1), ("Lệ", 1), ("My", 1), ("Nhàn", 1),
    ("Phượng", 1), ("Quỳnh", 1), ("Sương", 1), ("Thanh", 1), ("Thơ", 1), ("Thúy", 2), ("Trâm", 1),
    ("Tâm", 1), ("Kiều", 1), ("Bích", 1), ("Cúc", 1), ("Đào", 1), ("Huệ", 1), ("Ngân", 1),
    ("Sen", 0.5), ("Thoa", 1), ("Tuyền", 1), ("Vi", 0.5), ("Diệp", 0.5), ("Hậu", 0.5),
    ("Lài", 0.5), ("Mận", 0.5), ("Nhạn", 0.5), ("Phấn", 0.5), ("Thuận", 0.5), ("Xuyến", 0.5),
]  # fmt: skip

# Family and middle names of the province's other peoples (Chăm, Raglai, Hoa, K'Ho).
MINORITY_FAMILY_NAMES: dict[str, list[str]] = {
    "Chăm": ["Đàng", "Thông", "Quảng", "Lưu", "Bá", "Thập", "Phú", "Hán", "Ông", "Tài", "Châu"],
    "Raglai": ["Mang", "Katơ", "Pinăng", "Bo Bo", "Chamaléa", "Ma", "Cao"],
    "Hoa": ["Lâm", "Quách", "Trương", "Lý", "Châu", "Tăng", "Hứa", "Diệp", "Mã", "Lư", "Huỳnh"],
    "K'Ho": ["K'", "Ka", "Kră", "Đa Ha", "Liêng"],
}
MINORITY_MIDDLE_NAMES_MALE: dict[str, list[str]] = {
    "Chăm": ["Văn", "Năng", "Đại", "Ngọc", "Minh"],
    "Raglai": ["Văn", "Xuân", "Quốc"],
    "K'Ho": ["Văn", "Thanh"],
}
ETHNICITIES_ELSEWHERE: list[tuple[str, float]] = [
    ("Hoa", 3), ("Tày", 2), ("Nùng", 2), ("Mường", 1), ("Khmer", 1), ("Thái", 1), ("Chơ Ro", 1),
]  # fmt: skip

RELIGIONS: dict[str, list[tuple[str, float]]] = {
    "Kinh": [("", 88), ("Phật giáo", 7), ("Công giáo", 3), ("Cao Đài", 1), ("Tin Lành", 0.5)],
    "Chăm": [("Bà-la-môn", 50), ("Hồi giáo Bà-ni", 40), ("", 10)],
    "Hoa": [("", 70), ("Phật giáo", 30)],
    "other": [("", 85), ("Tin Lành", 8), ("Công giáo", 7)],
}

EDUCATION_BY_SECTOR: dict[str, list[tuple[str, float]]] = {
    "territorial": [("9/12", 25), ("12/12", 45), ("Trung cấp", 12), ("Cao đẳng", 5), ("Đại học", 13)],
    "office": [("Đại học", 65), ("Thạc sĩ", 15), ("Cao đẳng", 8), ("Trung cấp", 8), ("Tiến sĩ", 1), ("12/12", 3)],
    "school": [("Đại học", 70), ("Cao đẳng", 15), ("Thạc sĩ", 12), ("Tiến sĩ", 1), ("12/12", 2)],
    "uniformed": [("Đại học", 40), ("Trung cấp", 30), ("Cao đẳng", 10), ("12/12", 20)],
    "enterprise": [("12/12", 35), ("Trung cấp", 20), ("Cao đẳng", 15), ("Đại học", 28), ("Thạc sĩ", 2)],
}  # fmt: skip

# Provinces that people's hometowns (and the first digits of their ID) come from.
OTHER_PROVINCES: list[tuple[str, str, float]] = [
    ("Quảng Ngãi", "051", 6), ("Quảng Nam", "049", 5), ("Bình Định", "052", 5),
    ("Nghệ An", "040", 4), ("Thanh Hóa", "038", 4), ("Hà Tĩnh", "042", 3), ("Ninh Thuận", "058", 4),
    ("Thừa Thiên Huế", "046", 3), ("Quảng Trị", "045", 2), ("Quảng Bình", "044", 2),
    ("Khánh Hòa", "056", 2), ("Phú Yên", "054", 2), ("Thái Bình", "034", 2), ("Nam Định", "036", 2),
    ("Hà Nội", "001", 1), ("Thành phố Hồ Chí Minh", "079", 2), ("Đồng Nai", "075", 2),
    ("Lâm Đồng", "068", 1), ("Bà Rịa - Vũng Tàu", "077", 1), ("Hải Dương", "030", 1),
]  # fmt: skip
LOCAL_ID_PREFIX = "060"

PHONE_PREFIXES = [
    "090", "091", "093", "094", "096", "097", "098", "086", "088", "032", "033", "034", "035",
    "036", "037", "038", "039", "070", "076", "077", "078", "079", "081", "082", "083", "084",
]  # fmt: skip

# --- reasons written on events (data, in Vietnamese) -------------------------------------

REASONS: dict[str, list[str]] = {
    "removed": [
        "Bỏ sinh hoạt đảng 3 tháng trong năm không có lý do chính đáng",
        "Không đóng đảng phí 3 tháng trong năm không có lý do chính đáng",
        "Giảm sút ý chí phấn đấu, không thực hiện nhiệm vụ đảng viên sau 12 tháng giúp đỡ",
        "Hai năm liền vi phạm tư cách đảng viên",
    ],
    "expelled": [
        "Vi phạm pháp luật, bị truy cứu trách nhiệm hình sự",
        "Vi phạm nghiêm trọng quy định những điều đảng viên không được làm",
        "Lợi dụng chức vụ, quyền hạn gây hậu quả nghiêm trọng",
    ],
    "left": [
        "Xin ra khỏi Đảng vì hoàn cảnh gia đình khó khăn",
        "Xin ra khỏi Đảng vì sức khỏe, không vi phạm tư cách đảng viên",
        "Xin ra khỏi Đảng để đi làm ăn xa",
    ],
    "probation_failed": [
        "Không đủ tư cách đảng viên chính thức sau thời gian dự bị",
        "Vi phạm tư cách đảng viên trong thời gian dự bị",
    ],
    "reinstated": [
        "Hủy quyết định xóa tên sau khi giải quyết khiếu nại",
        "Xem xét lại, khôi phục quyền đảng viên",
    ],
    "transferred": [
        "Chuyển công tác",
        "Thay đổi nơi cư trú",
        "Chuyển sinh hoạt theo nơi làm việc mới",
    ],
    "retirement": ["Nghỉ hưu, chuyển sinh hoạt đảng về nơi cư trú"],
    "founding": ["Thành lập chi bộ mới"],
    "temporary": [
        "Đi học tập trung",
        "Biệt phái công tác",
        "Đi làm ăn xa có thời hạn",
        "Điều động công tác có thời hạn",
    ],
    "exempted": [
        "Tuổi cao, sức yếu",
        "Ốm đau dài ngày",
        "Tuổi cao, xin miễn công tác và sinh hoạt",
    ],
    "exemption_ended": ["Sức khỏe hồi phục, tham gia sinh hoạt trở lại"],
    "voided": ["Ghi nhầm chi bộ chuyển đến", "Nhập sai đơn vị, ghi lại"],
}

# --- the province -------------------------------------------------------------------------

PROVINCE = "Bình Thuận"
ROOT_NAME = "Đảng bộ tỉnh Bình Thuận"
ROOT_ISSUER = "Ban Thường vụ Tỉnh ủy Bình Thuận"

# Upper committees: key, unit name, committee, decision suffix, level word, short name,
# weight (share of grassroots organizations), type. Listed in the province's own order.
UPPERS: list[dict] = [
    {"key": "phan_thiet", "name": "Đảng bộ thành phố Phan Thiết", "committee": "Thành ủy Phan Thiết",
     "suffix": "TU", "level": "thành phố", "short": "Phan Thiết", "weight": 1.6, "type": "district",
     "sector": "ward"},
    {"key": "la_gi", "name": "Đảng bộ thị xã La Gi", "committee": "Thị ủy La Gi", "suffix": "TU",
     "level": "thị xã", "short": "La Gi", "weight": 0.8, "type": "district", "sector": "ward"},
    {"key": "tuy_phong", "name": "Đảng bộ huyện Tuy Phong", "committee": "Huyện ủy Tuy Phong",
     "suffix": "HU", "level": "huyện", "short": "Tuy Phong", "weight": 0.9, "type": "district",
     "sector": "commune"},
    {"key": "bac_binh", "name": "Đảng bộ huyện Bắc Bình", "committee": "Huyện ủy Bắc Bình",
     "suffix": "HU", "level": "huyện", "short": "Bắc Bình", "weight": 1.1, "type": "district",
     "sector": "commune"},
    {"key": "ham_thuan_bac", "name": "Đảng bộ huyện Hàm Thuận Bắc",
     "committee": "Huyện ủy Hàm Thuận Bắc", "suffix": "HU", "level": "huyện",
     "short": "Hàm Thuận Bắc", "weight": 1.2, "type": "district", "sector": "commune"},
    {"key": "ham_thuan_nam", "name": "Đảng bộ huyện Hàm Thuận Nam",
     "committee": "Huyện ủy Hàm Thuận Nam", "suffix": "HU", "level": "huyện",
     "short": "Hàm Thuận Nam", "weight": 0.9, "type": "district", "sector": "commune"},
    {"key": "ham_tan", "name": "Đảng bộ huyện Hàm Tân", "committee": "Huyện ủy Hàm Tân",
     "suffix": "HU", "level": "huyện", "short": "Hàm Tân", "weight": 0.7, "type": "district",
     "sector": "commune"},
    {"key": "duc_linh", "name": "Đảng bộ huyện Đức Linh", "committee": "Huyện ủy Đức Linh",
     "suffix": "HU", "level": "huyện", "short": "Đức Linh", "weight": 1.0, "type": "district",
     "sector": "commune"},
    {"key": "tanh_linh", "name": "Đảng bộ huyện Tánh Linh", "committee": "Huyện ủy Tánh Linh",
     "suffix": "HU", "level": "huyện", "short": "Tánh Linh", "weight": 1.0, "type": "district",
     "sector": "commune"},
    {"key": "phu_quy", "name": "Đảng bộ huyện Phú Quý", "committee": "Huyện ủy Phú Quý",
     "suffix": "HU", "level": "huyện", "short": "Phú Quý", "weight": 0.3, "type": "district",
     "sector": "commune"},
    {"key": "agencies", "name": "Đảng bộ Khối các cơ quan tỉnh",
     "committee": "Đảng ủy Khối các cơ quan tỉnh", "suffix": "ĐUK", "level": "", "short": "",
     "weight": 1.2, "type": "agencies", "sector": "agency"},
    {"key": "enterprises", "name": "Đảng bộ Khối Doanh nghiệp tỉnh",
     "committee": "Đảng ủy Khối Doanh nghiệp tỉnh", "suffix": "ĐUK", "level": "", "short": "",
     "weight": 0.7, "type": "enterprises", "sector": "state_enterprise"},
]  # fmt: skip

# Which upper committees a small demo keeps first: a city, a rural district, the agencies.
UPPER_PRIORITY = [
    "phan_thiet", "ham_thuan_bac", "agencies", "bac_binh", "la_gi", "enterprises", "duc_linh",
    "tuy_phong", "tanh_linh", "ham_thuan_nam", "ham_tan", "phu_quy",
]  # fmt: skip

# Communes, wards and townships: (kind, name, coastal).
PLACES: dict[str, list[tuple[str, str, bool]]] = {
    "phan_thiet": [
        ("phường", "Mũi Né", True),
        ("phường", "Hàm Tiến", True),
        ("phường", "Phú Hài", True),
        ("phường", "Thanh Hải", True),
        ("phường", "Phú Thủy", False),
        ("phường", "Phú Trinh", False),
        ("phường", "Đức Long", True),
        ("phường", "Lạc Đạo", True),
        ("phường", "Đức Nghĩa", True),
        ("phường", "Đức Thắng", True),
        ("phường", "Hưng Long", False),
        ("phường", "Xuân An", False),
        ("phường", "Bình Hưng", True),
        ("phường", "Phú Tài", False),
        ("xã", "Thiện Nghiệp", True),
        ("xã", "Phong Nẫm", False),
        ("xã", "Tiến Lợi", True),
        ("xã", "Tiến Thành", True),
    ],
    "la_gi": [
        ("phường", "Phước Hội", True),
        ("phường", "Phước Lộc", True),
        ("phường", "Tân An", False),
        ("phường", "Tân Thiện", True),
        ("phường", "Bình Tân", True),
        ("xã", "Tân Bình", False),
        ("xã", "Tân Hải", True),
        ("xã", "Tân Phước", True),
        ("xã", "Tân Tiến", True),
    ],
    "tuy_phong": [
        ("thị trấn", "Liên Hương", True),
        ("thị trấn", "Phan Rí Cửa", True),
        ("xã", "Vĩnh Tân", True),
        ("xã", "Vĩnh Hảo", True),
        ("xã", "Phước Thể", True),
        ("xã", "Phú Lạc", False),
        ("xã", "Phong Phú", False),
        ("xã", "Hòa Minh", True),
        ("xã", "Chí Công", True),
        ("xã", "Bình Thạnh", True),
        ("xã", "Phan Dũng", False),
        ("xã", "Hòa Phú", True),
    ],
    "bac_binh": [
        ("thị trấn", "Chợ Lầu", False),
        ("thị trấn", "Lương Sơn", False),
        ("xã", "Phan Sơn", False),
        ("xã", "Phan Lâm", False),
        ("xã", "Phan Điền", False),
        ("xã", "Hải Ninh", False),
        ("xã", "Sông Lũy", False),
        ("xã", "Phan Tiến", False),
        ("xã", "Sông Bình", False),
        ("xã", "Bình Tân", False),
        ("xã", "Phan Hòa", False),
        ("xã", "Phan Rí Thành", False),
        ("xã", "Hồng Thái", False),
        ("xã", "Hòa Thắng", True),
        ("xã", "Hồng Phong", True),
        ("xã", "Phan Thanh", False),
        ("xã", "Bình An", False),
    ],
    "ham_thuan_bac": [
        ("thị trấn", "Ma Lâm", False),
        ("thị trấn", "Phú Long", False),
        ("xã", "Đông Tiến", False),
        ("xã", "Đông Giang", False),
        ("xã", "La Dạ", False),
        ("xã", "Hàm Phú", False),
        ("xã", "Hàm Trí", False),
        ("xã", "Thuận Hòa", False),
        ("xã", "Hồng Sơn", False),
        ("xã", "Hồng Liêm", False),
        ("xã", "Thuận Minh", False),
        ("xã", "Hàm Đức", False),
        ("xã", "Hàm Chính", False),
        ("xã", "Hàm Liêm", False),
        ("xã", "Hàm Thắng", False),
        ("xã", "Hàm Hiệp", False),
        ("xã", "Đa Mi", False),
    ],
    "ham_thuan_nam": [
        ("thị trấn", "Thuận Nam", False),
        ("xã", "Mỹ Thạnh", False),
        ("xã", "Hàm Cần", False),
        ("xã", "Hàm Mỹ", True),
        ("xã", "Hàm Kiệm", False),
        ("xã", "Hàm Cường", False),
        ("xã", "Hàm Minh", False),
        ("xã", "Thuận Quý", True),
        ("xã", "Tân Thuận", True),
        ("xã", "Tân Thành", True),
        ("xã", "Tân Lập", False),
        ("xã", "Hàm Thạnh", False),
    ],
    "ham_tan": [
        ("thị trấn", "Tân Nghĩa", False),
        ("thị trấn", "Tân Minh", False),
        ("xã", "Sông Phan", False),
        ("xã", "Tân Phúc", False),
        ("xã", "Tân Đức", False),
        ("xã", "Tân Hà", False),
        ("xã", "Tân Xuân", False),
        ("xã", "Tân Thắng", True),
        ("xã", "Thắng Hải", True),
        ("xã", "Sơn Mỹ", True),
    ],
    "duc_linh": [
        ("thị trấn", "Võ Xu", False),
        ("thị trấn", "Đức Tài", False),
        ("xã", "Đa Kai", False),
        ("xã", "Sùng Nhơn", False),
        ("xã", "Mê Pu", False),
        ("xã", "Nam Chính", False),
        ("xã", "Đức Hạnh", False),
        ("xã", "Đức Tín", False),
        ("xã", "Vũ Hòa", False),
        ("xã", "Tân Hà", False),
        ("xã", "Đông Hà", False),
        ("xã", "Trà Tân", False),
        ("xã", "Đức Chính", False),
    ],
    "tanh_linh": [
        ("thị trấn", "Lạc Tánh", False),
        ("xã", "Bắc Ruộng", False),
        ("xã", "Măng Tố", False),
        ("xã", "Đức Bình", False),
        ("xã", "Đức Thuận", False),
        ("xã", "Đồng Kho", False),
        ("xã", "La Ngâu", False),
        ("xã", "Huy Khiêm", False),
        ("xã", "Đức Phú", False),
        ("xã", "Gia Huynh", False),
        ("xã", "Gia An", False),
        ("xã", "Suối Kiết", False),
        ("xã", "Nghị Đức", False),
        ("xã", "Đức Tân", False),
    ],
    "phu_quy": [("xã", "Long Hải", True), ("xã", "Ngũ Phụng", True), ("xã", "Tam Thanh", True)],
}

# Share of members of each people, by upper committee (the rest are Kinh).
ETHNIC_MIX: dict[str, list[tuple[str, float]]] = {
    "phan_thiet": [("Hoa", 0.02)],
    "la_gi": [("Hoa", 0.015)],
    "tuy_phong": [("Chăm", 0.08)],
    "bac_binh": [("Chăm", 0.1), ("Raglai", 0.04)],
    "ham_thuan_bac": [("Raglai", 0.04), ("K'Ho", 0.02), ("Chăm", 0.01)],
    "ham_thuan_nam": [("Raglai", 0.03)],
    "tanh_linh": [("Raglai", 0.02), ("K'Ho", 0.02)],
    "duc_linh": [("Tày", 0.015), ("Nùng", 0.015)],
}

THPT_SCHOOLS: dict[str, list[str]] = {
    "phan_thiet": ["Phan Bội Châu", "Chuyên Trần Hưng Đạo", "Phan Chu Trinh", "Bùi Thị Xuân",
                   "Phan Thiết", "Nguyễn Đình Chiểu"],
    "la_gi": ["Lý Thường Kiệt", "Nguyễn Huệ", "Nguyễn Trường Tộ"],
    "tuy_phong": ["Tuy Phong", "Hòa Đa"],
    "bac_binh": ["Bắc Bình", "Nguyễn Thị Minh Khai", "Phan Bội Châu Bắc Bình"],
    "ham_thuan_bac": ["Hàm Thuận Bắc", "Nguyễn Văn Linh", "Hàm Thuận Bắc 2"],
    "ham_thuan_nam": ["Hàm Thuận Nam", "Lương Thế Vinh"],
    "ham_tan": ["Hàm Tân", "Huỳnh Thúc Kháng"],
    "duc_linh": ["Đức Linh", "Hùng Vương", "Quang Trung"],
    "tanh_linh": ["Tánh Linh", "Nguyễn Văn Trỗi", "Đức Tân"],
    "phu_quy": ["Ngô Quyền"],
}  # fmt: skip

# District-level offices that have their own grassroots cell: (template, sector).
# {committee} is e.g. "Huyện ủy Tuy Phong", {place} is e.g. "huyện Tuy Phong".
DISTRICT_OFFICES: list[tuple[str, str]] = [
    ("Văn phòng {committee}", "agency"),
    ("Các Ban xây dựng Đảng {committee}", "agency"),
    ("Ủy ban Kiểm tra {committee}", "agency"),
    ("Văn phòng HĐND và UBND {place}", "agency"),
    ("Phòng Nội vụ {place}", "agency"),
    ("Phòng Tư pháp {place}", "agency"),
    ("Phòng Tài chính - Kế hoạch {place}", "agency"),
    ("Phòng Tài nguyên và Môi trường {place}", "agency"),
    ("Phòng Kinh tế - Hạ tầng {place}", "agency"),
    ("Phòng Nông nghiệp và Phát triển nông thôn {place}", "agency"),
    ("Phòng Lao động - Thương binh và Xã hội {place}", "agency"),
    ("Phòng Văn hóa và Thông tin {place}", "agency"),
    ("Phòng Giáo dục và Đào tạo {place}", "agency"),
    ("Thanh tra {place}", "agency"),
    ("Cơ quan Mặt trận - Đoàn thể {place}", "agency"),
    ("Viện Kiểm sát nhân dân {place}", "agency"),
    ("Tòa án nhân dân {place}", "agency"),
    ("Chi cục Thi hành án dân sự {place}", "agency"),
    ("Chi cục Thống kê {place}", "agency"),
    ("Kho bạc Nhà nước {place}", "agency"),
    ("Bảo hiểm xã hội {place}", "agency"),
    ("Hạt Kiểm lâm {place}", "agency"),
    ("Trung tâm Văn hóa, Thông tin và Thể thao {place}", "public_service"),
    ("Ban Quản lý dự án đầu tư xây dựng {place}", "public_service"),
    ("Trung tâm Phát triển quỹ đất {place}", "public_service"),
    ("Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên {place}", "school"),
    ("Phòng giao dịch Ngân hàng Chính sách xã hội {place}", "state_enterprise"),
    ("Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh {place}", "state_enterprise"),
    ("Điện lực {short}", "state_enterprise"),
    ("Bưu điện {place}", "state_enterprise"),
]

# Grassroots committees every district has besides its communes: (template, sector).
DISTRICT_COMMITTEES: list[tuple[str, str]] = [
    ("Đảng bộ Công an {place}", "police"),
    ("Đảng bộ Quân sự {place}", "armed_forces"),
    ("Đảng bộ Trung tâm Y tế {place}", "hospital"),
    ("Đảng bộ Cơ quan Ủy ban nhân dân {place}", "agency"),
]

# Khối các cơ quan tỉnh: committees (bigger bodies) and cells, (name, sector).
AGENCY_COMMITTEES: list[tuple[str, str]] = [
    ("Đảng bộ Văn phòng Ủy ban nhân dân tỉnh", "agency"),
    ("Đảng bộ Sở Y tế", "agency"),
    ("Đảng bộ Bệnh viện Đa khoa tỉnh Bình Thuận", "hospital"),
    ("Đảng bộ Sở Giáo dục và Đào tạo", "agency"),
    ("Đảng bộ Sở Nông nghiệp và Phát triển nông thôn", "agency"),
    ("Đảng bộ Cục Thuế tỉnh", "agency"),
    ("Đảng bộ Sở Tài chính", "agency"),
    ("Đảng bộ Sở Giao thông vận tải", "agency"),
    ("Đảng bộ Sở Tài nguyên và Môi trường", "agency"),
    ("Đảng bộ Sở Lao động - Thương binh và Xã hội", "agency"),
    ("Đảng bộ Sở Văn hóa, Thể thao và Du lịch", "agency"),
    ("Đảng bộ Sở Kế hoạch và Đầu tư", "agency"),
    ("Đảng bộ Sở Công Thương", "agency"),
    ("Đảng bộ Sở Xây dựng", "agency"),
    ("Đảng bộ Sở Nội vụ", "agency"),
    ("Đảng bộ Kho bạc Nhà nước tỉnh", "agency"),
    ("Đảng bộ Bảo hiểm xã hội tỉnh", "agency"),
    ("Đảng bộ Viện Kiểm sát nhân dân tỉnh", "agency"),
    ("Đảng bộ Tòa án nhân dân tỉnh", "agency"),
    ("Đảng bộ Cục Thi hành án dân sự tỉnh", "agency"),
    ("Đảng bộ Đài Phát thanh - Truyền hình Bình Thuận", "public_service"),
    ("Đảng bộ Trường Cao đẳng Y tế Bình Thuận", "school"),
    ("Đảng bộ Trường Cao đẳng Cộng đồng Bình Thuận", "school"),
    ("Đảng bộ Trường Chính trị tỉnh", "school"),
    ("Đảng bộ Bệnh viện Y dược cổ truyền tỉnh", "hospital"),
    ("Đảng bộ Trung tâm Kiểm soát bệnh tật tỉnh", "hospital"),
]
AGENCY_CELLS: list[tuple[str, str]] = [
    ("Chi bộ Sở Tư pháp", "agency"),
    ("Chi bộ Sở Thông tin và Truyền thông", "agency"),
    ("Chi bộ Sở Khoa học và Công nghệ", "agency"),
    ("Chi bộ Thanh tra tỉnh", "agency"),
    ("Chi bộ Ban Dân tộc tỉnh", "agency"),
    ("Chi bộ Cục Thống kê tỉnh", "agency"),
    ("Chi bộ Ngân hàng Nhà nước chi nhánh tỉnh", "agency"),
    ("Chi bộ Ban Quản lý các khu công nghiệp", "agency"),
    ("Chi bộ Ủy ban Mặt trận Tổ quốc tỉnh", "agency"),
    ("Chi bộ Tỉnh Đoàn", "agency"),
    ("Chi bộ Hội Liên hiệp Phụ nữ tỉnh", "agency"),
    ("Chi bộ Hội Nông dân tỉnh", "agency"),
    ("Chi bộ Liên đoàn Lao động tỉnh", "agency"),
    ("Chi bộ Hội Cựu chiến binh tỉnh", "agency"),
    ("Chi bộ Liên minh Hợp tác xã tỉnh", "agency"),
    ("Chi bộ Hội Chữ thập đỏ tỉnh", "agency"),
    ("Chi bộ Báo Bình Thuận", "public_service"),
    ("Chi bộ Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch", "public_service"),
    ("Chi bộ Quỹ Đầu tư phát triển tỉnh", "public_service"),
    ("Chi bộ Trung tâm Phục vụ hành chính công tỉnh", "public_service"),
    ("Chi bộ Hội Văn học Nghệ thuật tỉnh", "public_service"),
    ("Chi bộ Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", "public_service"),
    ("Chi bộ Chi cục Kiểm lâm", "agency"),
    ("Chi bộ Chi cục Thủy sản", "agency"),
    ("Chi bộ Chi cục Thủy lợi", "agency"),
    ("Chi bộ Bệnh viện Phổi tỉnh", "hospital"),
    ("Chi bộ Bệnh viện Da liễu tỉnh", "hospital"),
    ("Chi bộ Trung tâm Pháp y tỉnh", "hospital"),
    ("Chi bộ Trường Cao đẳng Nghề Bình Thuận", "school"),
    ("Chi bộ Trường Trung cấp Văn hóa Nghệ thuật", "school"),
    (
        "Chi bộ Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp",
        "public_service",
    ),
    ("Chi bộ Văn phòng Đoàn Đại biểu Quốc hội và HĐND tỉnh", "agency"),
]

# Khối Doanh nghiệp tỉnh.
ENTERPRISE_COMMITTEES: list[tuple[str, str]] = [
    ("Đảng bộ Công ty Điện lực Bình Thuận", "state_enterprise"),
    ("Đảng bộ Viễn thông Bình Thuận", "state_enterprise"),
    ("Đảng bộ Viettel Bình Thuận", "state_enterprise"),
    ("Đảng bộ Bưu điện tỉnh Bình Thuận", "state_enterprise"),
    (
        "Đảng bộ Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh Bình Thuận",
        "state_enterprise",
    ),
    ("Đảng bộ Ngân hàng TMCP Ngoại thương chi nhánh Bình Thuận", "state_enterprise"),
    ("Đảng bộ Ngân hàng TMCP Đầu tư và Phát triển chi nhánh Bình Thuận", "state_enterprise"),
    ("Đảng bộ Ngân hàng TMCP Công Thương chi nhánh Bình Thuận", "state_enterprise"),
    ("Đảng bộ Công ty Cổ phần Cấp thoát nước Bình Thuận", "state_enterprise"),
    ("Đảng bộ Công ty Nhiệt điện Vĩnh Tân", "state_enterprise"),
    ("Đảng bộ Công ty TNHH MTV Xổ số kiến thiết Bình Thuận", "state_enterprise"),
    ("Đảng bộ Công ty TNHH MTV Lâm nghiệp Sông Mao", "state_enterprise"),
    ("Đảng bộ Công ty Cổ phần Môi trường và Dịch vụ đô thị Phan Thiết", "state_enterprise"),
    ("Đảng bộ Công ty Cổ phần Du lịch Bình Thuận", "non_state_enterprise"),
]
ENTERPRISE_CELLS: list[tuple[str, str]] = [
    ("Chi bộ Ngân hàng Chính sách xã hội chi nhánh Bình Thuận", "state_enterprise"),
    ("Chi bộ Công ty TNHH MTV Khai thác công trình thủy lợi Bình Thuận", "state_enterprise"),
    ("Chi bộ Công ty TNHH MTV Lâm nghiệp Hàm Tân", "state_enterprise"),
    ("Chi bộ Công ty TNHH MTV Lâm nghiệp Tánh Linh", "state_enterprise"),
    ("Chi bộ Bảo Việt Bình Thuận", "state_enterprise"),
    ("Chi bộ Công ty Xăng dầu Bình Thuận", "state_enterprise"),
    ("Chi bộ Công ty Cổ phần Cảng cá Phan Thiết", "state_enterprise"),
    ("Chi bộ Công ty Cổ phần Sách - Thiết bị trường học Bình Thuận", "non_state_enterprise"),
    ("Chi bộ Công ty Cổ phần Dược phẩm Bình Thuận", "non_state_enterprise"),
    ("Chi bộ Công ty Cổ phần Xây dựng giao thông Bình Thuận", "non_state_enterprise"),
]

# Generated names of private companies and cooperatives.
COMPANY_FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Doanh nghiệp tư nhân"]
COMPANY_FIELDS = [
    "Thủy sản", "Chế biến hải sản", "Thanh long", "Du lịch", "Xây dựng", "Vận tải", "Nông sản",
    "Thương mại và Dịch vụ", "Năng lượng tái tạo", "Điện gió", "May mặc", "Nước mắm",
    "Khoáng sản", "Cao su", "Dịch vụ Du lịch", "Khách sạn và Resort", "Thức ăn chăn nuôi",
    "Vật liệu xây dựng", "Điện mặt trời", "Chế biến gỗ",
]  # fmt: skip
COMPANY_BRANDS = [
    "Hoàng Long", "Minh Phát", "Thành Công", "Tân Phú", "Phước Thành", "Hải Đăng", "Sông Cà Ty",
    "Mũi Né", "Biển Xanh", "Hưng Thịnh", "Đại Nam", "Trường An", "Phú Quý", "Hòa Phát",
    "Thái Bình Dương", "Sao Mai", "Đồi Cát", "Cà Ná", "Bình An", "Phương Nam", "Hồng Phúc",
    "Tiến Đạt", "Kê Gà", "Tà Cú", "Hải Long", "Thanh Bình", "Việt Tiến", "An Phú", "Đông Á",
    "Ánh Dương", "Nam Việt", "Phú Hưng", "Sông Lũy", "Lagi", "Rạng Đông", "Ngọc Châu",
]  # fmt: skip
COOPERATIVE_FIELDS = ["Nông nghiệp", "Thanh long", "Dịch vụ nghề cá", "Dịch vụ nông nghiệp", "Muối"]

# Names of the cells inside a grassroots committee, by the committee's sector. When a list
# runs out, cells are numbered with the sector's fallback word.
SUBCELLS: dict[str, list[str]] = {
    "agency": [
        "Văn phòng",
        "Phòng Tổ chức cán bộ",
        "Phòng Kế hoạch - Tài chính",
        "Thanh tra",
        "Phòng Pháp chế",
        "Phòng Nghiệp vụ",
        "Phòng Quản lý chuyên ngành",
        "Chi cục trực thuộc",
        "Trung tâm trực thuộc",
        "Phòng Tổng hợp",
        "Phòng Kiểm tra",
        "Phòng Hành chính - Quản trị",
    ],
    "public_service": [
        "Văn phòng",
        "Phòng Thời sự",
        "Phòng Biên tập",
        "Phòng Kỹ thuật",
        "Phòng Chuyên đề",
        "Phòng Hành chính - Tổ chức",
    ],
    "hospital": [
        "Khoa Nội",
        "Khoa Ngoại",
        "Khoa Sản",
        "Khoa Nhi",
        "Khoa Hồi sức cấp cứu",
        "Khoa Dược",
        "Khoa Khám bệnh",
        "Khoa Xét nghiệm",
        "Khoa Chẩn đoán hình ảnh",
        "Khoa Truyền nhiễm",
        "Khoa Y học cổ truyền",
        "Phòng Kế hoạch tổng hợp",
        "Phòng Điều dưỡng",
        "Phòng Tổ chức - Hành chính",
        "Khoa Tim mạch",
        "Khoa Chấn thương chỉnh hình",
        "Trạm Y tế",
        "Khoa Kiểm soát nhiễm khuẩn",
    ],
    "school": [
        "Khoa Điều dưỡng",
        "Khoa Dược",
        "Khoa Kinh tế",
        "Khoa Ngoại ngữ",
        "Khoa Công nghệ thông tin",
        "Khoa Lý luận chính trị",
        "Phòng Đào tạo",
        "Phòng Tổ chức - Hành chính",
        "Sinh viên",
        "Khoa Sư phạm",
        "Khoa Kỹ thuật",
    ],
    "police": [
        "Đội Tham mưu - Tổng hợp",
        "Đội An ninh",
        "Đội Cảnh sát hình sự",
        "Đội Cảnh sát giao thông - trật tự",
        "Đội Cảnh sát điều tra tội phạm về ma túy",
        "Đội Cảnh sát kinh tế",
        "Đội Cảnh sát quản lý hành chính về trật tự xã hội",
        "Đội Cảnh sát thi hành án hình sự và hỗ trợ tư pháp",
        "Đội Cảnh sát phòng cháy chữa cháy",
        "Trại tạm giam",
        "Đội Xây dựng phong trào",
        "Đội Hậu cần",
    ],
    "armed_forces": [
        "Cơ quan Quân sự",
        "Tham mưu",
        "Chính trị",
        "Hậu cần - Kỹ thuật",
        "Trung đội Dân quân cơ động",
        "Đại đội 1",
        "Đại đội 2",
        "Đồn Biên phòng",
    ],
    "state_enterprise": [
        "Văn phòng công ty",
        "Phòng Kỹ thuật",
        "Phòng Kinh doanh",
        "Phòng Tài chính - Kế toán",
        "Phòng Tổ chức - Hành chính",
        "Đội Quản lý vận hành",
        "Phòng giao dịch số 1",
        "Phòng giao dịch số 2",
        "Xí nghiệp 1",
        "Xí nghiệp 2",
        "Phân xưởng sản xuất",
    ],
    "non_state_enterprise": [
        "Văn phòng công ty",
        "Phân xưởng 1",
        "Phân xưởng 2",
        "Phòng Kỹ thuật",
        "Đội sản xuất",
        "Nhà máy chế biến",
        "Phòng Kinh doanh",
    ],
}
SUBCELL_FALLBACK = {
    "commune": "thôn",
    "ward": "khu phố",
    "township": "khu phố",
    "hospital": "Tổ",
    "police": "Đội",
    "armed_forces": "Đơn vị",
    "school": "Tổ",
    "state_enterprise": "Tổ",
    "non_state_enterprise": "Tổ",
    "agency": "Phòng",
    "public_service": "Tổ",
    "other": "Tổ",
}
VILLAGES = [
    "Phú Lập", "Lâm Hòa", "Thuận Hòa", "Bình Lâm", "Đại Thiện", "Phú Sơn", "Tân Lập", "Xuân Hòa",
    "Hiệp Hòa", "Phú Điền", "Ninh Thuận", "Tầm Hưng", "Bình Minh", "Lạc Trị", "Hòa Thuận",
    "Phước Lộc", "Tân Hòa", "Đông Thành", "Tây Sơn", "Nam Thành", "Bắc Sơn", "Phú Hòa",
    "Thanh Bình", "Hiệp Đức", "Cây Gáo", "Đá Trắng", "Bàu Sen", "Suối Đá", "Hòa Bình", "An Lạc",
]  # fmt: skip
PARTIAL_COMMITTEES: dict[str, list[str]] = {
    "hospital": ["Khối Nội", "Khối Ngoại", "Khối Cận lâm sàng", "Khối Hành chính"],
    "police": ["Khối An ninh", "Khối Cảnh sát", "Khối Tham mưu - Hậu cần"],
    "armed_forces": ["Khối Cơ quan", "Khối Đơn vị"],
    "school": ["Khối Giảng viên", "Khối Sinh viên", "Khối Phòng ban"],
    "agency": ["Khối Văn phòng", "Khối Chuyên môn", "Khối Đơn vị trực thuộc"],
    "state_enterprise": ["Khối Văn phòng", "Khối Sản xuất", "Khối Kinh doanh"],
}
PARTIAL_FALLBACK = "Khối"
