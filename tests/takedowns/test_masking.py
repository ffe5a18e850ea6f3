"""Masks of contact and ID data for editors: each keeps a little to tell people apart, never enough
to identify or reach them."""

import pytest

from takedowns.masking import MASKS, mask_address, mask_email, mask_id_number, mask_phone


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110101199001011234", "1101**********1234"),
        ("11010119900101123X", "1101**********123X"),
        ("E12345678", "E1*****78"),  # passport
        ("91430100MA4L0ABC12", "9143**********BC12"),  # unified social credit code
        ("1234", "1**4"),
        ("12", "**"),
        (" 110101199001011234 ", "1101**********1234"),
        ("", ""),
    ],
)
def test_id_numbers(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+8613812345678", "+86*******5678"),
        ("0743-8221234", "074*****1234"),
        ("82211234", "****1234"),
        ("110", "**0"),
        ("", ""),
    ],
)
def test_phones(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("alice@example.cn", "a***@example.cn"),
        ("a@example.cn", "a***@example.cn"),
        ("first.last+tag@mail.example.com", "f***@mail.example.com"),
        ("not-an-address", "***"),
        ("", ""),
    ],
)
def test_emails(value, masked):
    assert mask_email(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("北京市东城区某某路1号", "北京市东城＊＊＊"),
        ("湖南省吉首市某某路2号", "湖南省吉首＊＊＊"),
        ("新疆维吾尔自治区乌鲁木齐市天山区某某街道3号", "新疆维吾尔自＊＊＊"),
        ("吉首市人民路", "吉首市＊＊＊"),
        ("某路", "某＊＊＊"),
        ("路", "＊＊＊"),
        ("", ""),
    ],
)
def test_addresses(value, masked):
    assert mask_address(value) == masked


@pytest.mark.parametrize(
    "value",
    ["110101199001011234", "13812345678", "zhang.san@example.cn", "北京市东城区某某路1号", "E12345678", "5"],
)
@pytest.mark.parametrize("field", sorted(MASKS))
def test_no_mask_shows_the_middle_of_what_it_hides(field, value):
    masked = MASKS[field](value)
    assert masked != value
    middle = value[len(value) // 3 : len(value) - len(value) // 3]
    assert not middle or middle not in masked
