from django.http import HttpResponse


def home(request):
    return HttpResponse("法规知识库")


def regulation_detail(request, slug):
    return HttpResponse(slug)


def clause_detail(request, slug, number):
    return HttpResponse(number)
