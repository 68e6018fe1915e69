"""A store presents itself: its owner or manager sets logo, banner, tagline and About text in the store admin
portal; shoppers see them on the storefront."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from storefront.models import StoreProfile


def png(name: str, size=(40, 20)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_manager_sets_the_storefront_and_shoppers_see_it(signed_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    manager = signed_in("storeadmin@demo.test")
    response = manager.post("/store/storefront/", {
        "tagline": "Fresh leaves every week", "about": "Open 9–18.\nShip from Hangzhou.",
        "logo": png("logo.png"), "banner": png("banner.png", (300, 80))}, follow=True)
    assert "Storefront saved." in response.content.decode()
    profile = StoreProfile.objects.get(store__slug="sunrise-online")
    assert profile.logo and profile.banner
    home = Client().get("/s/sunrise-online/").content.decode()
    assert "Fresh leaves every week" in home and profile.logo.url in home and profile.banner.url in home
    about = Client().get("/s/sunrise-online/about/").content.decode()
    assert "Open 9–18.<br>Ship from Hangzhou." in about
    manager.post("/store/storefront/", {"tagline": "", "about": "", "remove_logo": "on"})
    profile.refresh_from_db()
    assert not profile.logo and profile.banner and profile.tagline == ""


def test_not_an_image_or_a_staff_member_changes_nothing(signed_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    manager = signed_in("storeadmin@demo.test")
    fake = SimpleUploadedFile("logo.png", b"not a picture", content_type="image/png")
    page = manager.post("/store/storefront/", {"tagline": "x", "logo": fake}).content.decode()
    assert "Upload a valid image." in page
    staff = signed_in("shopstaff@demo.test")
    response = staff.post("/store/storefront/", {"tagline": "Hijacked"})  # staff's role lacks "Store settings"
    assert response.status_code == 403 and "does not include “Store settings”" in response.content.decode()
    assert not StoreProfile.objects.filter(tagline__in=["x", "Hijacked"]).exists()
