"""Words anyone guessing a password on this platform tries first, which zxcvbn's English lists do not hold:
Vietnamese words people build passwords from, written without diacritics as they are typed, and the award's
and the ministry's own names. Most likely first: zxcvbn counts a word's guesses by its place in the list.

Kept by hand. Sources: the Vietnamese passwords most found in published leak studies (matkhau, anhyeuem,
123456 with its local variants 88888888, 66668888…), the largest cities and the commonest family and given
names, and this platform's own words (config.MINISTRY_NAME, the page titles)."""

# Whole words and phrases, as typed without diacritics (zxcvbn finds them with any capitals, inside longer
# passwords and reversed).
COMMON = [
    "matkhau", "mat khau", "anhyeuem", "emyeuanh", "yeuem", "yeuanh", "iuem", "vietnam", "viet nam", "hanoi",
    "ha noi", "saigon", "hochiminh", "tphcm", "matkhaumoi", "matkhau123", "xinchao", "hanhphuc", "tinhyeu",
    "giadinh", "quehuong", "baomat", "quantri", "quantrivien", "taikhoan", "dangnhap", "khongbiet", "conyeu",
    "bome", "chame", "danang", "haiphong", "cantho", "nhatrang", "dalat", "vungtau", "hue", "thanhcong",
    # the award, its programmes and the ministry
    "giaithuong", "giai thuong", "moitruong", "moi truong", "giaithuongmoitruong", "xanh", "sach", "dep",
    "xanhsachdep", "xanh sach dep", "truongxanh", "truonghocxanh", "thanhphoxanh", "moitruongxanh", "asean",
    "ecoschool", "ecoschools", "baovemoitruong", "bonongnghiep", "nongnghiep", "nong nghiep",
    "nongnghiepmoitruong", "bonongnghiepvamoitruong", "bnnmt", "tnmt", "tainguyen", "tainguyenmoitruong",
    "bonnptnt", "thanhnien", "doanthanhnien", "thanhdoan", "ubnd", "sogddt", "giaoduc", "truonghoc",
    # numbers people here like
    "123456", "88888888", "66666666", "66668888", "68686868", "86868686", "686868", "868686", "6868", "8888",
    "147258369", "123456789", "1234567890", "0123456789", "123123", "112233", "999999", "1102", "1111",
    # syllables of the words above, so that "mat.khau" or "Giai_Thuong" is found with any separator
    "mat", "khau", "giai", "thuong", "moi", "truong", "yeu", "xin", "chao", "nong", "nghiep", "hoc", "viet",
    "nam", "noi", "mien", "bac", "trung", "thanh", "pho", "doan", "nien", "bao", "ve", "tai", "nguyen",
    # the commonest family names and given names
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo",
    "duong", "ly", "anh", "linh", "trang", "huong", "hanh", "ngoc", "thao", "mai", "lan", "hoa", "tuan",
    "hung", "dung", "minh", "duc", "long", "quang", "hieu", "phuong", "thu", "ha", "hai", "khanh", "tu",
    "son", "tien", "cuong", "huy", "binh", "vy", "nhung", "yen", "giang", "loan", "quynh", "thuy", "tam",
    "nga", "hang", "my", "dat", "phong", "thang", "vinh", "khoa", "kien", "loc", "phat", "tai", "tri",
]
