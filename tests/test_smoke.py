def test_pages_render_for_a_clerk(client_for, world):
    c = client_for("alice")
    d1 = world.org("D1")
    for url in [
        "/orgs/",
        f"/orgs/{d1.pk}/",
        f"/orgs/{d1.pk}/children/",
        "/members/",
        f"/members/?org={d1.pk}&q=nguyen+van+duc",
        "/audit/",
        f"/members/{world.members['duc'].pk}/",
        f"/members/{world.members['duc'].pk}/edit/",
        f"/members/{world.members['duc'].pk}/events/new/",
        f"/orgs/{world.org('G1').pk}/split/",
    ]:
        r = c.get(url)
        assert r.status_code == 200, url
    r = c.get(f"/members/?org={d1.pk}&q=nguyen+van+duc")
    assert "Nguyễn Văn Đức" in r.content.decode()
    assert "Nguyễn Văn Minh" not in r.content.decode()
