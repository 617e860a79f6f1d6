from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from apps.core.export import ExportUnavailable, NotExportable, export_response
from apps.core.forms import filter_chips, form_errors
from apps.core.throttling import ExportThrottle, throttled_page

from . import exports, selectors
from .forms import AsOfForm, ClauseJumpForm, RegulationFilterForm
from .models import Regulation
from .pagecache import cached_page

PAGE_SIZE = 20


# Its counts read every regulation: 0.4 s at national scale. Kept a minute past an edit, so a
# stream of edits does not make each worker render it again for each one.
@cached_page(stale_seconds=60)
def home(request):
    facets = selectors.regulation_facets(filters={})
    return render(
        request,
        "home.html",
        {
            "counts": selectors.base_counts(),
            "levels": selectors.level_counts(),
            "issuers": facets["issuer"][:12],
            "years": facets["year"][:12],
            "newest": selectors.regulation_queryset()
            .filter(has_full_text=True)
            .order_by("-promulgated_on")[:8],
        },
    )


def regulation_list(request):
    form = RegulationFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "policies/regulation_list.html",
            {"form": form, "errors": form_errors(form)},
            status=400,
        )
    filters = form.filters()
    sort = form.cleaned_data["sort"] or "date"
    paginator = Paginator(selectors.regulation_list(filters=filters, sort=sort), PAGE_SIZE)
    try:
        page = paginator.page(form.cleaned_data["page"] or 1)
    except EmptyPage:
        return render(
            request,
            "policies/regulation_list.html",
            {"form": form, "errors": {"page": ["页码超出范围。"]}},
            status=404,
        )
    chips = filter_chips(
        request, form, filters, shown={"has_full_text": {True: "有全文", False: "仅目录"}}
    )
    return render(
        request,
        "policies/regulation_list.html",
        {
            "form": form,
            "page": page,
            "facets": selectors.regulation_facets(filters=filters),
            "filters": filters,
            "chips": chips,
            "sort": sort,
            "params": request.GET,
        },
    )


def _regulation_or_404(slug: str) -> Regulation:
    try:
        return selectors.regulation_get(slug=slug)
    except Regulation.DoesNotExist:
        raise Http404("没有这部法规。") from None


def _as_of_version(request, regulation: Regulation):
    """(version in force on the `as_of` day, or None; an error response, or None)."""
    form = AsOfForm(request.GET)
    if not form.is_valid():
        message = form.errors["as_of"][0]
        return None, _version_problem(request, regulation, message, status=400)
    try:
        version = selectors.version_in_force_on(
            regulation=regulation, day=form.cleaned_data["as_of"]
        )
    except selectors.NoVersionOnDay as none:
        return None, _version_problem(request, regulation, str(none), status=404)
    return version, None


def _version_problem(request, regulation, message: str, *, status: int):
    return render(
        request,
        "policies/version_problem.html",
        {
            "regulation": regulation,
            "message": message,
            "versions": selectors.regulation_versions(regulation=regulation),
        },
        status=status,
    )


def _versions_context(regulation: Regulation) -> dict:
    """The versions of the regulation's work, each with the URL comparing it with this one
    (the older of the two first)."""
    versions = selectors.regulation_versions(regulation=regulation)
    here = next(i for i, v in enumerate(versions) if v.pk == regulation.pk)
    for index, version in enumerate(versions):
        if index != here and version.has_full_text and regulation.has_full_text:
            old, new = sorted([version, regulation], key=lambda v: v.version_order)
            version.compare_url = reverse("policies:regulation_compare", args=[old.slug, new.slug])
    return {"versions": versions, "current": selectors.current_version(versions)}


@cached_page
def regulation_detail(request, slug):
    regulation = _regulation_or_404(slug)
    if "as_of" in request.GET:
        version, problem = _as_of_version(request, regulation)
        return problem or redirect(version.get_absolute_url())
    jump = ClauseJumpForm(request.GET) if "n" in request.GET else None
    if jump is not None and jump.is_valid():
        return redirect("policies:clause_detail", slug=slug, number=jump.cleaned_data["n"])
    clauses = selectors.regulation_clauses(regulation=regulation, with_html=True)
    return render(
        request,
        "policies/regulation_detail.html",
        {
            "regulation": regulation,
            "clauses": clauses,
            "toc": selectors.regulation_toc(clauses),
            "jump_form": jump or ClauseJumpForm(),
            **_versions_context(regulation),
        },
    )


def _clause_not_found(request, regulation, wanted: str, *, nearest, message: str = ""):
    """404: the clause (or its 款/项) is not there; the nearest clauses and the jump box."""
    return render(
        request,
        "policies/clause_not_found.html",
        {
            "regulation": regulation,
            "wanted": wanted,
            "message": message,
            "nearest": nearest,
            "jump_form": ClauseJumpForm(initial={"n": wanted}),
        },
        status=404,
    )


@cached_page
def clause_detail(request, slug, number):
    regulation = _regulation_or_404(slug)
    try:
        clause = selectors.clause_get(regulation=regulation, key=number)
    except selectors.ClauseNotFound as missing:
        return _clause_not_found(request, regulation, number, nearest=missing.nearest)
    if "as_of" in request.GET:
        version, problem = _as_of_version(request, regulation)
        if problem:
            return problem
        same = selectors.clause_in_version(clause=clause, version=version)
        if same is None:
            message = (
                f"{version.cited_title}中没有与{clause.label}对应的条文（该条在这一版本中不存在）。"
            )
            return _version_problem(request, version, message, status=404)
        return redirect(same.get_absolute_url())
    if ref := selectors.provision_ref(key=number):  # 第38条第2款, 38.2 → the clause, at the 款
        try:
            fragment = selectors.provision_check(clause=clause, ref=ref)
        except selectors.ProvisionNotFound as missing:
            return _clause_not_found(
                request, regulation, number, nearest=[clause], message=str(missing)
            )
        return redirect(f"{clause.get_absolute_url()}#{fragment}")
    if number != clause.key:  # 第38条, 三十八 … → the one address of the clause
        return redirect(clause.get_absolute_url())
    clause.regulation = regulation
    citations = selectors.clause_citations(clause=clause)
    same_clauses = selectors.clause_versions(clause=clause)
    previous, following = selectors.clause_neighbours(clause=clause)
    return render(
        request,
        "policies/clause_detail.html",
        {
            "regulation": regulation,
            "clause": clause,
            "lines": selectors.clause_lines(clause=clause, citations=citations),
            "citations": citations,
            "cited_by": selectors.clause_cited_by(clause=clause),
            "previous": previous,
            "next": following,
            "jump_form": ClauseJumpForm(),
            "clause_versions": same_clauses,
            "clause_version_ids": {c.regulation_id for c in same_clauses},
            **_versions_context(regulation),
        },
    )


@cached_page
def regulation_compare(request, slug, other):
    old, new = _regulation_or_404(slug), _regulation_or_404(other)
    try:
        rows = selectors.regulations_compare(old=old, new=new)
    except selectors.DifferentWorks as different:
        return _version_problem(request, old, str(different), status=400)
    labels = selectors.CHANGE_LABELS
    counts = [(labels[c], c, sum(r.change == c for r in rows)) for c in labels]
    sizes = (sum(r.old is not None for r in rows), sum(r.new is not None for r in rows))
    return render(
        request,
        "policies/regulation_compare.html",
        {
            "old": old,
            "new": new,
            "rows": rows,
            "counts": counts,
            "sizes": sizes,
        },
    )


@throttled_page(also=(ExportThrottle,), charged=False)
def regulation_export(request, slug, fmt):
    """The regulation (this version) as Word or PDF."""
    regulation = _regulation_or_404(slug)
    url = request.build_absolute_uri(regulation.get_absolute_url())
    try:
        document = exports.regulation_export_document(regulation=regulation, url=url)
        return export_response(document, fmt)
    except NotExportable as error:
        return _version_problem(request, regulation, str(error), status=404)
    except ExportUnavailable as error:
        return _version_problem(request, regulation, str(error), status=503)


@throttled_page(also=(ExportThrottle,), charged=False)
def clause_export(request, slug, number, fmt):
    """One clause as Word or PDF."""
    regulation = _regulation_or_404(slug)
    try:
        clause = selectors.clause_get(regulation=regulation, key=number)
    except selectors.ClauseNotFound as missing:
        return _clause_not_found(request, regulation, number, nearest=missing.nearest)
    clause.regulation = regulation
    url = request.build_absolute_uri(clause.get_absolute_url())
    try:
        return export_response(exports.clause_export_document(clause=clause, url=url), fmt)
    except ExportUnavailable as error:
        return _version_problem(request, regulation, str(error), status=503)
