"""The operator's withdrawal pages in the back-office (mounted by settlement.operator_urls)."""

from django.urls import path


def withdrawal_urls() -> list:
    from settlement.withdrawals import views

    return [
        path("finance/withdrawals/", views.OperatorWithdrawalListView.as_view(), name="mp-withdrawal-list"),
        path("finance/withdrawals/<int:pk>/", views.OperatorWithdrawalDetailView.as_view(),
             name="mp-withdrawal-detail"),
        path("finance/withdrawals/<int:pk>/approve/", views.ApproveView.as_view(), name="mp-withdrawal-approve"),
        path("finance/withdrawals/<int:pk>/reject/", views.RejectView.as_view(), name="mp-withdrawal-reject"),
        path("finance/withdrawals/<int:pk>/paid/", views.MarkPaidView.as_view(), name="mp-withdrawal-mark-paid"),
        path("finance/withdrawals/<int:pk>/failed/", views.MarkFailedView.as_view(),
             name="mp-withdrawal-mark-failed"),
        path("finance/withdrawals/<int:pk>/transfer/", views.TransferView.as_view(), name="mp-withdrawal-transfer"),
    ]
