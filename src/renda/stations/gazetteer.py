"""A small local gazetteer of the demo city's place names with coordinates (WGS-84), so
"nearest stations to a typed address" works without any external map service.

A typed address is matched against the names (the longest name found in the text wins);
a congress that needs real coverage loads its own list of places.
"""

from __future__ import annotations

import math

# name -> (lat, lon); 示例市 is fictional, the coordinates lie in a plausible box.
PLACES: dict[str, tuple[float, float]] = {
    "示例市人民政府": (30.0012, 120.5803), "市民中心": (30.0050, 120.5890),
    "示例站": (30.0170, 120.5620), "火车站": (30.0170, 120.5620), "人民公园": (29.9950, 120.5750),
    "市第一人民医院": (30.0081, 120.5702), "示例大学": (30.0420, 120.6010),
    "东湖区": (30.0100, 120.6100), "湖滨街道": (30.0130, 120.6050), "东城街道": (30.0200, 120.6240),
    "新华街道": (30.0040, 120.6180), "月湖街道": (29.9990, 120.6020), "城东镇": (30.0310, 120.6500),
    "西山区": (29.9900, 120.5200), "西山街道": (29.9920, 120.5250), "凤凰街道": (29.9800, 120.5100),
    "石门街道": (29.9700, 120.5300), "青龙镇": (29.9600, 120.4900), "白云镇": (30.0050, 120.4800),
    "云台区": (30.0600, 120.5800), "云台街道": (30.0620, 120.5820), "临江街道": (30.0700, 120.5650),
    "望海街道": (30.0750, 120.6000), "金沙镇": (30.0950, 120.5900),
    "南江县": (29.8800, 120.6000), "南江镇": (29.8820, 120.6020), "清河镇": (29.8600, 120.6300),
    "柳塘乡": (29.8400, 120.5800), "桃源镇": (29.8700, 120.5600), "杏花乡": (29.8300, 120.6200),
    "北岭县": (30.1600, 120.5300), "北岭镇": (30.1620, 120.5320), "龙泉镇": (30.1800, 120.5100),
    "松林乡": (30.2000, 120.5500), "梅溪镇": (30.1500, 120.4900), "高桥乡": (30.1900, 120.5800),
    "青溪县": (29.9200, 120.4200), "青溪镇": (29.9220, 120.4220), "石塘镇": (29.9000, 120.4000),
    "竹坞乡": (29.9400, 120.3900), "溪口镇": (29.9100, 120.4500),
    "高新区": (30.0350, 120.6300), "创新街道": (30.0380, 120.6350), "科技城街道": (30.0450, 120.6400),
    "经开区": (30.0500, 120.6800), "临港街道": (30.0550, 120.6900), "滨海镇": (30.0650, 120.7100),
}


def locate(text: str) -> tuple[str, float, float] | None:
    """The best-matching place in ``text``: the longest place name it contains."""
    text = (text or "").strip()
    if not text:
        return None
    found = [name for name in PLACES if name in text]
    if not found:
        found = [name for name in PLACES if len(text) >= 2 and text in name]
    if not found:
        return None
    name = max(found, key=len)
    lat, lon = PLACES[name]
    return name, lat, lon


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(min(1.0, a)))
