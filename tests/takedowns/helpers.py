"""Shared by the takedown tests: what a claimant types, files as a browser would send them, the captcha."""

import re

from captcha.models import CaptchaStore
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63600001000005000175a1ab5e0000000049454e44ae426082"
)
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


def pdf(name="证明.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def captcha_answer(client, url="/takedown/") -> dict:
    """Open the form as a claimant would and read the answer from the store (never test mode)."""
    html = client.get(url).content.decode()
    key = re.search(r'name="captcha_0" value="([0-9a-f]{40})"', html).group(1)
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def notice_data(site_address: str, /, **overrides) -> dict:
    data = {
        "claimant_name": "张三",
        "claimant_organisation": "某某出版社",
        "id_type": "resident_id",
        "id_number": "110101199001011234",
        "address": "北京市东城区某某路1号",
        "phone": "13800138000",
        "email": "claimant@example.com",
        "addresses": site_address,
        "work_title": "某某统计年鉴",
        "right_claimed": "network_dissemination",
        "legal_basis": "regulation",
        "evidence_text": "本社享有该作品的信息网络传播权，著作权登记号 2023-A-000001。",
        "declaration": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def counter_data(**overrides) -> dict:
    data = {
        "name": "李四",
        "id_type": "resident_id",
        "id_number": "430101198001011234",
        "address": "湖南省吉首市某某路2号",
        "phone": "13900139000",
        "email": "provider@example.com",
        "statement": "该文件为政府公开发布的工作报告，不属于著作权法保护的作品。",
        "declaration": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
