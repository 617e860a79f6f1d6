"""Citations in the API: a clause's links both ways, and a regulation's citation graph."""

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from apps.core.exceptions import ApiError
from apps.core.schema import READ_ERRORS

from .. import selectors
from ..models import Clause, Regulation
from .serializers import ClauseCitationsSerializer, RegulationCitationsSerializer
from .views import CLAUSE_NUMBER, _clause, _regulation


class ClauseCitationsView(GenericAPIView):
    queryset = Clause.objects.all()
    serializer_class = ClauseCitationsSerializer

    @extend_schema(
        parameters=[CLAUSE_NUMBER], responses={200: ClauseCitationsSerializer, **READ_ERRORS}
    )
    def get(self, request, slug, number):
        """The regulations and clauses the clause cites, and the clauses citing it (a 款 or 项
        address, 38.2, names its clause: it must exist)."""
        clause = _clause(_regulation(slug), number)
        if (provision := selectors.provision_ref(key=number)) is not None:
            try:
                selectors.provision_check(clause=clause, ref=provision)
            except selectors.ProvisionNotFound as missing:
                raise ApiError(str(missing), status_code=404) from None
        links = selectors.clause_citation_links(clause=clause)
        return Response(self.get_serializer(links).data)


class RegulationCitationsView(GenericAPIView):
    queryset = Regulation.objects.all()
    serializer_class = RegulationCitationsSerializer

    @extend_schema(responses={200: RegulationCitationsSerializer, **READ_ERRORS})
    def get(self, request, slug):
        """The regulations the regulation cites and those citing it, with counts (citations
        within the regulation are counted as `internal`)."""
        graph = selectors.regulation_citation_graph(regulation=_regulation(slug))
        return Response(self.get_serializer(graph).data)
