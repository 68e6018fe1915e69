"""Operators and temporary grants in the back-office, gathered from the modules that own them."""


def access_urls() -> list:
    from backoffice.grant_urls import grant_urls
    from backoffice.operator_urls import operator_urls

    return operator_urls() + grant_urls()
