"""Server-rendered pages through Django's test client: content, errors, escaping, query counts."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import User

from apps.documents.models import Article, Publication
from apps.policies.models import Citation, Clause, IssuingBody, Regulation
from apps.policies.services.clauses import clause_update

pytestmark = pytest.mark.django_db
LAW = "/regulations/" + quote("电子商务法-2018-08-31") + "/"


def test_every_clause_is_reachable_from_its_regulations_table_of_contents(client):
    for regulation in Regulation.objects.filter(has_full_text=True):
        html = client.get(regulation.get_absolute_url()).content.decode()
        toc = (
            html.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
            if regulation.clauses.exists()
            else ""
        )
        for clause in regulation.clauses.all():
            assert f'href="#c-{clause.key}"' in toc, (regulation.title, clause.label)
            assert f'id="c-{clause.key}"' in html


def test_home_shows_counts_and_entry_points(client):
    html = client.get("/").content.decode()
    assert f"<strong>{Clause.objects.count()}</strong> 条条文" in html
    assert "?level=" in html and "?issuer=" in html and "?year=" in html


def test_regulation_page_metadata_toc_and_citation_links(client):
    html = client.get(LAW).content.decode()
    assert "中华人民共和国电子商务法" in html and "第一章 总则" in html
    assert "第九条—第二十六条" in html  # 第一节 range
    assert 'class="cite" href="' in html  # 本法第X条 links in the full text
    assert "2019年1月1日" in html


def test_clause_page_redirects_every_number_form_to_one_address(client):
    for typed in ("第38条", "第三十八条", "三十八", "３８"):
        response = client.get(LAW + "clauses/" + quote(typed) + "/")
        assert response.status_code == 302 and response["Location"].endswith("/clauses/38/")
    response = client.get(LAW + "?n=" + quote("第三十八条"))
    assert response.status_code == 302 and quote(response["Location"], safe="/%").endswith(
        quote("第三十八条") + "/"
    )


def test_clause_page_content(client):
    html = client.get(LAW + "clauses/44/").content.decode()
    assert "《中华人民共和国电子商务法》第四十四条" in html
    assert html.count('class="cite"') >= 2
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_missing_things_are_404(client):
    assert client.get(LAW + "clauses/999/").status_code == 404
    assert "第八十九条" in client.get(LAW + "clauses/999/").content.decode()
    assert client.get("/regulations/nope/").status_code == 404
    assert client.get("/publications/999999/").status_code == 404
    assert client.get("/articles/999999/").status_code == 404


@pytest.mark.parametrize(
    "params",
    ["page=abc", "page=1000000000", "page=0", "level=nope", "year=abc", "has_full_text=maybe"],
)
def test_bad_list_parameters_are_4xx(client, params):
    response = client.get(f"/regulations/?{params}")
    assert 400 <= response.status_code < 500
    assert "有误" in response.content.decode() or "超出" in response.content.decode()


def test_admin_shows_every_model_and_edits_a_clause(client, django_capture_on_commit_callbacks):
    admin = User.objects.create_superuser("admin", password="pw-for-tests-only")
    client.force_login(admin)
    for model in (Regulation, Clause, Citation, IssuingBody, Publication, Article):
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
        assert client.get(url + "?q=" + quote("电子")).status_code == 200
    clause = Clause.objects.get(regulation__title="中华人民共和国电子商务法", number=38)
    page = client.get(f"/admin/policies/clause/{clause.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    original = clause.text
    data["text"] = original + "\n编辑新增的一款。"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/policies/clause/{clause.pk}/change/", data)
    assert response.status_code == 302
    clause.refresh_from_db()
    assert clause.paragraphs[-1] == "编辑新增的一款。"
    from apps.search.selectors import search_documents

    assert search_documents(query='"编辑新增的一款"').results[0].clause == clause
    with django_capture_on_commit_callbacks(execute=True):  # the index outlives the rollback
        clause_update(clause=clause, text=original)


def test_regulation_list_keeps_the_header_search_box_empty(client):
    html = client.get("/regulations/?level=" + quote("法律")).content.decode()
    assert "QueryDict" not in html
    assert 'name="q" value=""' in html


@pytest.mark.django_db
def test_not_found_pages_say_what_is_missing_in_chinese_not_the_resolver(client):
    unknown = client.get("/没有这个页面/")
    text = unknown.content.decode()
    assert unknown.status_code == 404 and "您要找的页面不存在" in text
    assert "Resolver404" not in text and "tried" not in text
    missing = client.get("/regulations/没有这部法规/")
    assert missing.status_code == 404 and "没有这部法规。" in missing.content.decode()
    api = client.get("/api/v1/没有这个接口/")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_regulation_list_without_a_match_says_so_and_offers_a_way_back(client):
    page = client.get("/regulations/", {"q": "完全不存在的法规名称"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "共 0 部" in text and "没有符合条件的法规" in text and "清除全部筛选" in text


@pytest.mark.django_db
def test_search_box_placeholder_is_whole(client):
    html = client.get("/search/", {"q": "平台"}).content.decode()
    assert 'placeholder="关键词、“精确短语”、A OR B、-排除词、电子商务法第38条"' in html


LAW_URL = "/regulations/" + quote("电子商务法-2018-08-31") + "/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed, target",
    [
        ("第38条第2款", "clauses/38/#k2"),
        ("第三十八条第二款", "clauses/38/#k2"),
        ("38.2", "clauses/38/#k2"),
        ("第80条第1款第三项", "clauses/80/#k1x3"),
        ("80.1.4", "clauses/80/#k1x4"),
    ],
)
def test_paragraph_and_item_addresses_open_the_clause_at_them(client, typed, target):
    response = client.get(LAW_URL + "clauses/" + quote(typed) + "/")
    assert response.status_code == 302 and response["Location"] == LAW_URL + target
    jump = client.get(LAW_URL, {"n": typed})  # the jump box
    assert client.get(jump["Location"])["Location"] == LAW_URL + target


@pytest.mark.django_db
def test_clause_page_anchors_every_paragraph_and_item_with_its_citation(client):
    html = client.get(LAW_URL + "clauses/80/").content.decode()
    for anchor in ("k1", "k1x1", "k1x4", "k2"):
        assert f'id="{anchor}"' in html
    assert 'data-copy-text="《中华人民共和国电子商务法》第八十条第一款第三项"' in html
    assert 'data-copy-text="《中华人民共和国电子商务法》第八十条第二款"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed, message",
    [
        ("第38条第3款", "第三十八条共二款，没有第三款。"),
        ("80.1.9", "第一款共四项，没有第一款第九项。"),
    ],
)
def test_a_missing_paragraph_or_item_is_a_helpful_404(client, typed, message):
    response = client.get(LAW_URL + "clauses/" + quote(typed) + "/")
    assert response.status_code == 404 and message in response.content.decode()


@pytest.mark.django_db
def test_citation_links_carry_the_cited_clause_for_its_popover(client):
    html = client.get(LAW_URL + "clauses/44/").content.decode()  # cites 第四十二条 (three 款)
    assert 'data-preview-title="《中华人民共和国电子商务法》第四十二条"' in html
    assert 'data-preview="知识产权权利人' in html
    assert "&#10;" in html  # its 款 kept apart, inside one attribute
