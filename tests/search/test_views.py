"""The pages (with and without htmx) and the API, over HTTP."""

import pytest
from django.urls import reverse

from practica.discussions import services as discussions
from tests.conftest import client_for

HX = {"HX-Request": "true"}


@pytest.fixture
def scene(cast_factory, ask, answer, upvote, add_member):
    cast = cast_factory("public")
    q = ask(
        cast.community,
        "Rolling update of <b>Kubernetes</b> nodes",
        body="We drain each node first.",
        tags=["kubernetes"],
    )
    a = answer(q, "Cordon and drain.")
    upvote(a, 2)
    discussions.answer_accept(actor=cast.owner, answer=a)
    private = cast_factory("private")
    ask(private.community, "Kubernetes secrets rotation", tags=["kubernetes"])
    return cast, q, a, private


def test_the_search_page_shows_results_filters_and_syntax(scene):
    cast, _q, _a, _ = scene
    response = client_for(cast.outsider).get(reverse("search:search"), {"q": "kubernetes"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Kubernetes</mark>" in html and "&lt;b&gt;" in html and "<b>" not in html
    assert "✓ solved" in html and cast.community.name in html
    assert "secrets rotation" not in html
    assert 'name="kind"' in html and "Search syntax" in html and "<html" in html


def test_the_search_page_answers_htmx_with_the_results_only(scene):
    cast, *_ = scene
    response = client_for(cast.member).get(
        reverse("search:search"), {"q": "drain", "kind": "answer"}, headers=HX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="search-results"' in html and "Answer to" in html


def test_the_search_page_without_a_query_invites_one(scene):
    cast, *_ = scene
    response = client_for(cast.member).get(reverse("search:search"))
    assert (
        response.status_code == 200
        and "Search everything you can read" in response.content.decode()
    )


def test_a_bad_cursor_on_the_page_is_a_400(scene):
    cast, *_ = scene
    response = client_for(cast.member).get(reverse("search:search"), {"q": "x", "cursor": "%%%"})
    assert response.status_code == 400


def test_the_page_needs_a_sign_in(db):
    response = client_for(None).get(reverse("search:search"), {"q": "x"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_instant_results_are_a_fragment_with_see_all(scene):
    cast, q, *_ = scene
    response = client_for(cast.member).get(reverse("search:instant"), {"q": "kuber"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'role="option"' in html and q.get_absolute_url() in html
    assert "See all results for" in html


def test_the_header_has_the_instant_search_box(scene):
    cast, *_ = scene
    html = client_for(cast.member).get(reverse("home")).content.decode()
    assert 'hx-get="/search/instant/"' in html and "practica/search.js" in html


def test_similar_questions_fragment_and_ask_page_hook(scene):
    cast, q, *_ = scene
    url = reverse("search:similar")
    html = (
        client_for(cast.member)
        .get(url, {"title": "kubernetes rolling", "community": cast.community.slug}, headers=HX)
        .content.decode()
    )
    assert q.get_absolute_url() in html and "✓ solved" in html
    ask_page = client_for(cast.member).get(reverse("discussions:ask", args=[cast.community.slug]))
    assert 'hx-get="/search/similar/?community=' in ask_page.content.decode()


def test_similar_in_a_community_one_may_not_read_is_a_404(scene):
    cast, _, _, private = scene
    response = client_for(cast.outsider).get(
        reverse("search:similar"), {"title": "kubernetes", "community": private.community.slug}
    )
    assert response.status_code == 404


def test_who_knows_page_lists_people_with_reasons(scene):
    cast, _q, a, _ = scene
    response = client_for(cast.member).get(reverse("search:experts"), {"topic": "Kubernetes"})
    html = response.content.decode()
    assert a.author.name in html and "1 accepted answer on <code>kubernetes</code>" in html
    fragment = (
        client_for(cast.member)
        .get(reverse("search:experts"), {"topic": "kubernetes"}, headers=HX)
        .content.decode()
    )
    assert "<html" not in fragment and a.author.name in fragment


def test_search_page_query_count_does_not_grow_with_results(
    scene, ask, django_assert_max_num_queries
):
    cast, *_ = scene
    client = client_for(cast.member)
    client.get(reverse("search:search"), {"q": "kubernetes"})
    for i in range(15):
        ask(cast.community, f"Kubernetes question {i}", tags=["kubernetes"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("search:search"), {"q": "kubernetes"})
    assert response.content.decode().count('class="search-result ') == 16


# --- API ------------------------------------------------------------------------------------------


def test_api_search_returns_results_with_urls_and_a_cursor(scene, api_for, ask):
    cast, _q, _a, _ = scene
    for i in range(3):
        ask(cast.community, f"Kubernetes extra {i}")
    api = api_for(cast.outsider)
    body = api.get("/search", q="kubernetes kind:question", limit=2).json()
    assert body["count"] == 4 and not body["count_is_lower_bound"]
    first = body["items"][0]
    assert set(first) >= {
        "id",
        "url",
        "kind",
        "title",
        "snippet",
        "community",
        "score",
        "solved",
        "date",
    }
    assert first["url"].startswith("http://testserver/")
    nxt = api.get("/search", q="kubernetes kind:question", limit=2, cursor=body["next_cursor"])
    assert len(nxt.json()["items"]) == 2 and nxt.json()["next_cursor"] is None


def test_api_search_errors_are_clear(scene, api_for):
    cast, _, _, private = scene
    api = api_for(cast.outsider)
    assert api.get("/search", q="x", cursor="garbage!").status_code == 400
    assert api.get("/search", q="x", kind="spaceship").status_code == 422
    assert api.get("/search", q="x", community=private.community.slug).status_code == 404
    assert api_for(None).get("/search", q="x").status_code == 401
    weird = api.get("/search", q='"unbalanced NEAR/2 * ^ -')
    assert weird.status_code == 200 and weird.json()["items"] == []


def test_api_similar_and_experts(scene, api_for):
    cast, q, a, private = scene
    api = api_for(cast.member)
    similar = api.get("/search/similar", title="kubernetes update", community=cast.community.slug)
    assert similar.status_code == 200
    assert similar.json()["items"][0]["id"] == q.pk and similar.json()["items"][0]["solved"]
    experts = api.get("/people/experts", topic="kubernetes").json()
    assert experts["items"][0]["handle"] == a.author.handle
    assert experts["items"][0]["reasons"][0] == "1 accepted answer on `kubernetes`"
    assert api.get("/people/experts").status_code == 422
    hidden = api_for(cast.outsider).get(
        "/people/experts", topic="kubernetes", community=private.community.slug
    )
    assert hidden.status_code == 404


def test_api_dates_are_days(scene, api_for):
    cast, *_ = scene
    api = api_for(cast.member)
    assert api.get("/search", q="kubernetes", before="0").status_code == 422
    assert api.get("/search", q="kubernetes", after="2020-01-01").json()["count"] >= 1
