"""The operator's finance pages inside the back-office, gathered from the apps that own them."""


def settlement_urls() -> list:
    from settlement.backoffice_urls import finance_urls
    from settlement.reconciliation.operator_urls import reconciliation_urls
    from settlement.statement_urls import operator_statement_urls
    from settlement.withdrawals.operator_urls import withdrawal_urls

    return finance_urls() + operator_statement_urls() + withdrawal_urls() + reconciliation_urls()
