"""Lists page by cursor (stable while rows are added), newest id first; `page_size` up to 500."""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 500
