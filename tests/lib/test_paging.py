from django.http import QueryDict

from cakupan.lib.paging import page_query


def test_page_query_drops_only_the_page():
    assert page_query(QueryDict("q=made&page=3&segmen=BPU")) == "q=made&segmen=BPU"
    assert page_query(QueryDict("page=2")) == ""
