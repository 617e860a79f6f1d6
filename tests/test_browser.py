"""The pages as a person uses them: Debian's Chromium driven by Playwright against a real server
(the `live_site` fixture: gunicorn on the bundled corpus). Screenshots go to test-results/screens/.
"""

from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ROOT / "test-results" / "screens"
CHROMIUM = "/usr/bin/chromium"
LAW = "/regulations/" + quote("电子商务法-2018-08-31") + "/"
OLD_VERSION = "/regulations/" + quote("国境卫生检疫法-2018-04-27") + "/"
NEW_VERSION = "/regulations/" + quote("国境卫生检疫法-2024-06-28") + "/"
COMPARE = OLD_VERSION + "compare/" + quote("国境卫生检疫法-2024-06-28") + "/"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_site):
    site = live_site
    context = browser.new_context(
        base_url=site, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def shot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=False)


def test_regulation_page_and_table_of_contents(page):
    page.goto(LAW)
    assert page.locator("h1").inner_text() == "中华人民共和国电子商务法"
    assert page.locator(".badge.status-现行有效").first.is_visible()
    shot(page, "regulation")
    page.locator(".toc").get_by_role("link", name="第二节 电子商务平台经营者").click()
    assert page.url.endswith("#c-27")
    target = page.locator("#c-27")
    assert target.is_visible()
    assert "第二十七条" in target.inner_text()
    box = target.bounding_box()
    assert box and 0 <= box["y"] < 300, "the clause is scrolled to the top"


@pytest.mark.parametrize("typed", ["38", "第38条", "第三十八条", "三十八", "３８"])
def test_jump_to_a_clause_by_any_number_form(page, typed):
    page.goto(LAW)
    page.get_by_label("跳转到条文").fill(typed)
    page.get_by_role("button", name="跳转").click()
    page.wait_for_load_state()
    assert page.url.endswith("/clauses/38/")
    assert "第三十八条" in page.locator("h1").inner_text()


def test_jump_from_the_search_box(page):
    page.goto("/")
    page.get_by_label("全文检索").fill("电子商务法第38条")
    page.get_by_label("全文检索").press("Enter")
    page.wait_for_load_state()
    first = page.locator(".hit").first
    assert "电子商务法 第三十八条" in first.inner_text()
    first.locator("a.hit-title").click()
    assert page.url.endswith("/clauses/38/")
    page.goto(LAW)
    page.get_by_label("在本法规内检索").fill("三十八")
    page.get_by_label("在本法规内检索").press("Enter")
    page.wait_for_load_state()
    assert page.url.endswith("/clauses/38/")


def test_follow_a_citation_and_come_back(page):
    page.goto(LAW + "clauses/44/")
    link = page.locator(".clause-text a.cite", has_text="第四十二条").first
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith("/clauses/42/")
    cited_by = page.locator("section.cites", has_text="被以下条文引用")
    assert "第四十四条" in cited_by.inner_text()
    page.go_back()
    assert page.url.endswith("/clauses/44/")


def test_copy_citation(page):
    page.goto(LAW + "clauses/38/")
    page.get_by_role("button", name="复制引用", exact=True).click()
    page.locator(".copy-status", has_text="已复制").wait_for()
    assert (
        page.evaluate("navigator.clipboard.readText()") == "《中华人民共和国电子商务法》第三十八条"
    )
    shot(page, "clause")


def test_missing_clause_is_a_helpful_404(page):
    response = page.goto(LAW + "clauses/999/")
    assert response.status == 404
    assert "没有“999”" in page.locator("h1").inner_text()
    page.get_by_role("link", name="第八十九条").click()
    assert page.url.endswith("/clauses/89/")


def test_regulation_list_filters(page):
    page.goto("/regulations/")
    total = int(page.locator(".result-count").inner_text().split()[1])
    page.locator("a[data-facet=level]", has_text="行政法规").click()
    page.wait_for_load_state()
    filtered = int(page.locator(".result-count").inner_text().split()[1])
    assert 0 < filtered < total
    assert all("行政法规" in text for text in page.locator(".reg-item .meta").all_inner_texts())
    page.locator("a[data-facet=has_full_text]", has_text="仅目录").click()
    assert page.locator(".badge.catalogue").count() == page.locator(".reg-item").count() > 0
    shot(page, "regulation-list")
    page.locator("a.chip", has_text="效力级别").click()
    page.locator("a.chip", has_text="全文").click()
    assert int(page.locator(".result-count").inner_text().split()[1]) == total


def test_search_facets_chips_and_results(page):
    page.goto("/search/?q=" + quote("平台内经营者"))
    count = int(page.locator(".result-count").inner_text().split("共 ")[1].split()[0])
    assert count > 0
    assert page.locator(".hit mark").first.inner_text() == "平台内经营者"
    page.locator("a[data-facet=type]", has_text="条文").click()
    page.wait_for_load_state()
    narrowed = int(page.locator(".result-count").inner_text().split("共 ")[1].split()[0])
    assert narrowed <= count
    assert page.locator(".hit .badge", has_text="法规").count() == 0
    shot(page, "search")
    page.locator("a.chip").first.click()
    page.wait_for_load_state()
    assert int(page.locator(".result-count").inner_text().split("共 ")[1].split()[0]) == count
    page.locator("a.hit-title").first.click()
    page.wait_for_load_state()
    assert "平台内经营者" in page.locator("main").inner_text()


def test_empty_search_state(page):
    page.goto("/search/?q=" + quote('"完全不存在的短语某某某"'))
    assert "没有找到" in page.locator(".hits").inner_text()


def test_phone_width_layout(browser, live_site):
    site = live_site
    context = browser.new_context(
        base_url=site, viewport={"width": 375, "height": 812}, is_mobile=True, device_scale_factor=2
    )
    page = context.new_page()
    for path, name in (
        (LAW, "phone-regulation"),
        (LAW + "clauses/38/", "phone-clause"),
        ("/search/?q=" + quote("电子商务"), "phone-search"),
        (OLD_VERSION, "phone-version-banner"),
        (OLD_VERSION + "clauses/24/", "phone-clause-versions"),
        (COMPARE, "phone-compare"),
    ):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        shot(page, name)
    context.close()


def test_print_stylesheet_hides_navigation(page):
    page.goto(LAW + "clauses/38/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".cite-box").is_visible()
    assert page.locator(".clause-text").is_visible()


# ---------------------------------------------------------------- versions


def test_superseded_version_banner_leads_to_the_version_in_force(page):
    page.goto(OLD_VERSION)
    banner = page.locator(".version-banner")
    assert "此版本已于2025年1月1日被修改" in banner.inner_text()
    timeline = page.locator(".timeline li")
    assert timeline.count() == 2
    assert "2024年修订" in timeline.nth(0).inner_text()
    assert "本页" in timeline.nth(1).inner_text()
    shot(page, "version-banner-timeline")
    banner.get_by_role("link", name="查看现行版本").click()
    page.wait_for_load_state()
    assert page.url.endswith(NEW_VERSION)
    assert page.locator(".version-banner").count() == 0


def test_clause_in_other_versions_and_versioned_citation(page):
    page.goto(OLD_VERSION + "clauses/24/")
    switcher = page.locator(".clause-versions")
    assert "2018年修正 第二十四条" in switcher.inner_text()
    shot(page, "clause-versions")
    page.get_by_role("button", name="复制引用", exact=True).click()
    page.locator(".copy-status", has_text="已复制").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "《中华人民共和国国境卫生检疫法》（2018年修正）第二十四条"
    switcher.get_by_role("link", name="2024年修订 第五十二条").click()
    page.wait_for_load_state()
    assert page.url.endswith(NEW_VERSION + "clauses/52/")
    assert "（2024年修订）第五十二条" in page.locator("#citation-text").input_value()


def test_compare_page_side_by_side(page):
    page.goto(COMPARE)
    assert "27 条 → 57 条" in page.locator(".compare-counts").inner_text()
    changed = page.locator(".compare-row.change-changed").first
    assert changed.locator("ins").count() + changed.locator("del").count() > 0
    assert page.locator(".compare-row.change-added").count() > 0
    assert page.locator(".compare-heading").count() > 0  # chapter headings
    shot(page, "compare")
    rows = page.locator(".compare-row:not(.compare-head)").count()
    page.get_by_label("隐藏未改动的条文").check()
    visible = page.locator(".compare-row:not(.compare-head):visible").count()
    same = page.locator(".compare-row.change-same").count()
    assert visible == rows - same


def test_search_facet_values_add_up(page):
    page.goto("/search/?q=" + quote("规定"))
    facet = page.locator("a[data-facet=level]")
    counts = {}
    for name in ("法律", "行政法规"):
        link = facet.filter(has_text=name).first
        counts[name] = int(link.locator("xpath=following-sibling::span").inner_text())
    facet.filter(has_text="法律").first.click()
    page.wait_for_load_state()
    page.locator("a[data-facet=level]", has_text="行政法规").first.click()
    page.wait_for_load_state()
    total = int(page.locator(".result-count").inner_text().split("共 ")[1].split(" ")[0])
    assert total == counts["法律"] + counts["行政法规"]
    assert page.locator("a.chip", has_text="效力级别").count() == 2
    assert page.locator("a[data-facet=level][aria-current=true]").count() == 2
    shot(page, "search-two-levels")


def test_jump_to_an_item_and_copy_a_paragraphs_citation(page):
    page.goto(LAW)
    page.get_by_label("跳转到条文").fill("第80条第1款第三项")
    page.get_by_role("button", name="跳转").click()
    page.wait_for_load_state()
    assert page.url.endswith("/clauses/80/#k1x3")
    item = page.locator("#k1x3")
    assert item.inner_text().startswith("（三）")
    assert item.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    shot(page, "clause-item-target")
    page.locator("#k2 .copy-inline").click()
    page.locator(".copy-status", has_text="已复制").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == (
        "《中华人民共和国电子商务法》第八十条第二款"
    )


def test_a_citation_shows_the_cited_clause_on_hover_focus_and_tap(page, browser, live_site):
    page.goto(LAW + "clauses/44/")
    link = page.locator(".clause-text a.cite").first
    link.hover()
    popover = page.locator(".cite-popover")
    popover.wait_for()
    assert "第四十二条" in popover.inner_text() and "知识产权权利人" in popover.inner_text()
    assert link.get_attribute("aria-describedby") == "cite-popover"
    shot(page, "citation-popover")
    page.keyboard.press("Escape")
    assert popover.count() == 0
    link.focus()  # the keyboard reaches it too
    popover.wait_for()
    page.keyboard.press("Escape")
    phone = browser.new_context(
        base_url=live_site, viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    tapping = phone.new_page()
    tapping.goto(LAW + "clauses/44/")
    tapping.locator(".clause-text a.cite").first.tap()
    tapping.locator(".cite-popover").wait_for()
    assert tapping.url.endswith("/clauses/44/")  # a first tap shows, it does not leave
    shot(tapping, "phone-citation-popover")
    tapping.locator(".cite-popover .open-cited").tap()
    tapping.wait_for_url("**/clauses/42/")
    phone.close()


def test_print_buttons_and_phone_filters_at_the_top(page, browser, live_site):
    page.goto(LAW + "clauses/38/")
    assert page.get_by_role("button", name="打印").is_visible()
    page.goto(LAW)
    assert page.get_by_role("button", name="打印").is_visible()
    phone = browser.new_context(
        base_url=live_site, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    small = phone.new_page()
    small.goto("/search/?q=" + quote("电子商务"))
    filters = small.locator("#filters")
    assert not filters.is_visible()
    toggle = small.get_by_role("button", name="筛选")
    assert toggle.bounding_box()["y"] < 400  # at the top, not after twenty results
    toggle.click()
    assert filters.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    assert filters.bounding_box()["y"] < small.locator(".results").bounding_box()["y"]
    shot(small, "phone-filters-open")
    phone.close()


def test_advanced_search_by_title_and_dates(page, browser, live_site):
    page.goto("/search/?q=" + quote("电子商务"))
    panel = page.locator("details.advanced")
    assert not panel.get_attribute("open")
    panel.locator("summary").click()
    page.get_by_label("标题").check()
    page.get_by_label("公布日期不早于").fill("2018-01-01")
    page.get_by_label("公布日期不晚于").fill("2018-12-31")
    shot(page, "advanced-search-filled")
    page.get_by_role("button", name="检索").click()
    page.wait_for_load_state()
    # Only what was set goes into the address: no empty parameters.
    assert "scope=title" in page.url and "promulgated_after=2018-01-01" in page.url
    assert "effective_after" not in page.url and "level=" not in page.url
    titles = page.locator("a.hit-title").all_inner_texts()
    assert titles and all("电子商务" in title for title in titles)
    assert page.locator(".hit .badge", has_text="条文").count() == 0
    dates = page.locator(".hit .meta").all_inner_texts()
    assert all("2018年" in meta for meta in dates)
    # The panel opens again with what was chosen, so the search can be changed.
    assert page.locator("details.advanced").get_attribute("open") is not None
    assert page.get_by_label("公布日期不晚于").input_value() == "2018-12-31"
    shot(page, "advanced-search-results")
    phone = browser.new_context(
        base_url=live_site, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    small = phone.new_page()
    small.goto(page.url)
    overflow = small.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0 and small.locator("details.advanced").get_attribute("open") is not None
    shot(small, "phone-advanced-search")
    phone.close()


def test_a_reversed_date_range_is_explained(page):
    response = page.goto(
        "/search/?q="
        + quote("电子商务")
        + "&promulgated_after=2020-01-01&promulgated_before=2019-01-01"
    )
    assert response.status == 400
    assert "早于起始日期" in page.locator(".error-box").inner_text()


def _count(page) -> int:
    return int(page.locator(".result-count").inner_text().split("共 ")[1].split()[0])


def test_boolean_logic_as_typed_in_the_search_box(page):
    page.goto("/search/")
    everything = _count(page)
    box = page.get_by_label("检索词")
    box.fill("-罚款")
    box.press("Enter")
    page.wait_for_load_state()
    without = _count(page)
    assert 0 < without < everything
    assert "罚款" not in " ".join(page.locator(".hit .snippet").all_inner_texts())
    shot(page, "search-pure-negation")
    page.get_by_label("检索词").fill('"第三十八条"')
    page.get_by_label("检索词").press("Enter")
    page.wait_for_load_state()
    marks = page.locator(".hit mark").all_inner_texts()
    assert marks and set(marks) == {"第三十八条"}  # the words, found where they stand
    page.get_by_label("检索词").fill("OR ((")
    page.get_by_label("检索词").press("Enter")
    page.wait_for_load_state()
    assert "没有可检索的文字" in page.locator(".notice").first.inner_text()
    assert _count(page) == 0


def test_a_doctrine_name_and_a_paraphrase_are_answered_with_a_notice(page, browser, live_site):
    page.goto("/search/?q=" + quote("霸王条款"))
    assert (
        "「霸王条款」通常指《中华人民共和国消费者权益保护法》第二十六条"
        in page.locator(".notice").first.inner_text()
    )
    assert page.locator("a.hit-title").first.inner_text().endswith("消费者权益保护法 第二十六条")
    shot(page, "search-doctrine")
    page.goto("/search/?q=" + quote("平台内经营者 子虚乌有的词"))
    assert "包含部分检索词" in page.locator(".notice").first.inner_text()
    assert _count(page) > 0
    phone = browser.new_context(
        base_url=live_site, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    small = phone.new_page()
    small.goto("/search/?q=" + quote("霸王条款"))
    assert small.locator(".notice").first.bounding_box()["y"] < 400
    shot(small, "phone-search-doctrine")
    phone.close()


def test_regulation_list_reads_traditional_characters_and_explains_nothing_found(page):
    page.goto("/regulations/?q=" + quote("電子商務法"))
    assert "中华人民共和国电子商务法" in page.locator("main").inner_text()
    assert page.locator(".result-count").inner_text() == "共 1 部"
    page.goto("/regulations/?q=" + quote("不存在的法规名称"))
    assert page.locator(".result-count").inner_text() == "共 0 部"
    assert "没有符合条件的法规" in page.locator("li.empty").inner_text()
    page.locator("li.empty").get_by_role("link", name="清除全部筛选").click()
    page.wait_for_load_state()
    assert page.locator("li.reg-item").count() > 1


def test_a_reader_downloads_a_regulation_and_a_clause_as_word_and_pdf(page, browser, live_site):
    page.goto(LAW)
    with page.expect_download() as pdf:
        page.get_by_role("link", name="下载 PDF").click()
    assert pdf.value.suggested_filename == "中华人民共和国电子商务法（2018年）.pdf"
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as word:
        page.get_by_role("link", name="下载 Word").click()
    assert word.value.suggested_filename.endswith(".docx")
    shot(page, "regulation-downloads")
    page.goto(LAW + "clauses/38/")
    with page.expect_download() as clause_pdf:
        page.get_by_role("link", name="下载 PDF").click()
    assert clause_pdf.value.suggested_filename == "中华人民共和国电子商务法第三十八条.pdf"
    phone = browser.new_context(
        base_url=live_site, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    small = phone.new_page()
    small.goto(LAW + "clauses/38/")
    links = small.locator(".cite-box .export-link")
    assert links.count() == 2 and all(links.nth(i).is_visible() for i in range(2))
    shot(small, "phone-clause-downloads")
    phone.close()


def test_a_report_article_reads_with_headings_and_contents(page, browser, live_site):
    page.goto("/publications/")
    page.get_by_role("link", name="中国电子商务报告2018").first.click()
    page.get_by_role("link", name="2018年中国电子商务发展总报告").first.click()
    toc = page.locator("nav.article-toc")
    assert toc.is_visible() and toc.locator("a").count() >= 10
    toc.get_by_role("link", name="1.2 发展特点").click()
    heading = page.get_by_role("heading", name="1.2 发展特点")
    assert heading.is_visible() and page.url.endswith("#" + heading.get_attribute("id"))
    shot(page, "report-article-headings")
    phone = browser.new_context(
        base_url=live_site, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    small = phone.new_page()
    small.goto(page.url)
    assert small.get_by_role("heading", name="1.2 发展特点").is_visible()
    shot(small, "phone-report-article-headings")
    phone.close()


def test_a_report_articles_footnotes_are_linked_both_ways_and_captions_stand_apart(page):
    page.goto("/publications/")
    page.get_by_role("link", name="中国电子商务报告2018").first.click()
    page.get_by_role("link", name="电子商务服务业发展报告").first.click()
    body = page.locator(".article-body")
    assert "①" not in body.inner_text() and "http" not in body.inner_text()
    marker = page.locator("sup.note-ref a").first
    assert marker.inner_text() == "[1]"
    marker.click()
    note = page.locator(".footnotes li").first
    assert page.url.endswith("#note-1") and note.is_visible()
    assert note.inner_text().startswith("交易服务是指以促进网上交易为目的")
    assert page.locator(".footnotes li").count() == page.locator("sup.note-ref").count()
    note.get_by_role("link", name="回到正文第 1 处").click()
    assert page.url.endswith("#ref-1") and page.locator("#ref-1").is_visible()
    caption = page.locator("p.caption", has_text="图2-1")
    assert caption.is_visible() and caption.evaluate("e => getComputedStyle(e).textAlign") == (
        "center"
    )
    page.locator("#ref-3").scroll_into_view_if_needed()
    shot(page, "report-article-footnotes-and-captions")
    page.locator(".footnotes").scroll_into_view_if_needed()
    shot(page, "report-article-footnotes")
    # A sentence a page's caption cut (/articles/83/) reads whole, the caption after it.
    page.goto(page.url.split("/articles/")[0] + "/publications/")
    page.get_by_role("link", name="中国电子商务报告2018").first.click()
    page.get_by_role("link", name="电子商务诚信建设发展报告").first.click()
    assert page.get_by_text("为了继续享受税收优惠").is_visible()
    assert page.locator("p.caption", has_text="图5-2").is_visible()


@pytest.mark.parametrize(("width", "name"), [(1280, "desktop"), (375, "phone")])
def test_the_appendix_tables_are_tables_that_scroll_inside_themselves(
    browser, live_site, width, name
):
    context = browser.new_context(
        base_url=live_site, viewport={"width": width, "height": 812}, is_mobile=width < 600
    )
    page = context.new_page()
    page.goto("/publications/")
    page.get_by_role("link", name="中国电子商务报告2018").first.click()
    catalogue = page.locator("table.catalogue-table")
    assert catalogue.locator("tbody tr").count() >= 80
    catalogue.scroll_into_view_if_needed()
    shot(page, f"{name}-appendix-a-catalogue")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    wrap = page.locator(".table-wrap", has=catalogue)
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth") is (width < 600)
    page.get_by_role("link", name="附录 B 全球电子商务发展状况").click()
    tables = page.locator("table.data-table")
    assert tables.count() == 5
    korea = page.locator("figure.table-figure", has_text="表 B-5")
    assert korea.locator("figcaption").inner_text().startswith("表 B-5 2018年韩国网络零售交易状况")
    assert korea.locator("th[colspan='2']", has_text="2017年").count() == 1
    assert korea.locator("tbody tr").first.inner_text().split("\t")[:2] == [
        "全部网络零售交易额 (A)",
        "913.000",
    ]
    korea.scroll_into_view_if_needed()
    shot(page, f"{name}-appendix-b-table")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    wide = page.locator(".table-figure .table-wrap").nth(2)  # 表 B-3, eight columns
    scrolls = wide.evaluate("e => e.scrollWidth > e.clientWidth")
    assert scrolls is (width < 600), "on a phone the wide table scrolls inside itself"
    context.close()
